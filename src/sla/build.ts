import type { Calendar, Hours } from './calendar';
import { loadProductionData } from './production/data';
import { Production } from './production/year';

export interface CalendarSpec {
  name: string;
  time_zone: string;
  /** "24x7", or hours per weekday: { mon: "09:00-18:00", …, sat: null }. A day may list several ranges: "09:00-13:00,14:00-18:00". */
  hours: '24x7' | Partial<Record<(typeof WEEKDAYS)[number], string | null>>;
  production?: Production;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A production calendar from its data file, checked against its rules. */
export function loadProduction(file: string): Production {
  return new Production(loadProductionData(file), file);
}

export function buildCalendar(spec: CalendarSpec): Calendar {
  const always = spec.hours === '24x7';
  const week: Hours[] = WEEKDAYS.map((d) => (always ? [[0, 1440]] : parseHours((spec.hours as Record<string, string | null>)[d] ?? null, `${spec.name}.${d}`)));
  const normal = week.find((h) => h.length > 0) ?? [];
  return {
    name: spec.name,
    timeZone: spec.time_zone,
    always,
    week,
    production: spec.production ?? null,
    dayMinutes: always ? 1440 : normal.reduce((s, [a, b]) => s + (b - a), 0),
  };
}

function parseHours(text: string | null, where: string): Hours {
  if (text === null || text.trim() === '') return [];
  return text.split(',').map((range) => {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(range);
    if (!m) throw new Error(`${where}: bad hours "${range}" (use 09:00-18:00)`);
    const [s, e] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
    if (!(s < e && e <= 1440)) throw new Error(`${where}: bad hours "${range}"`);
    return [s, e] as const;
  });
}
