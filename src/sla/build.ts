import fs from 'node:fs';
import { parse } from 'yaml';
import type { Calendar, Hours } from './calendar';

/** A production calendar data file (config/calendars/*.yaml). */
export interface ProductionData {
  name: string;
  shortened_by_minutes?: number;
  years: Record<string, { holidays?: string[]; workdays?: string[]; shortened?: string[] }>;
}

export interface CalendarSpec {
  name: string;
  time_zone: string;
  /** "24x7", or hours per weekday: { mon: "09:00-18:00", …, sat: null }. A day may list several ranges: "09:00-13:00,14:00-18:00". */
  hours: '24x7' | Partial<Record<(typeof WEEKDAYS)[number], string | null>>;
  production?: ProductionData;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function loadProductionData(file: string): ProductionData {
  const data = parse(fs.readFileSync(file, 'utf8')) as ProductionData;
  const dates = (list: unknown[] | undefined) => (list ?? []).map((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d)));
  for (const y of Object.values(data.years ?? {})) {
    y.holidays = dates(y.holidays);
    y.workdays = dates(y.workdays);
    y.shortened = dates(y.shortened);
  }
  return data;
}

export function buildCalendar(spec: CalendarSpec): Calendar {
  const always = spec.hours === '24x7';
  const week: Hours[] = WEEKDAYS.map((d) => (always ? [[0, 1440]] : parseHours((spec.hours as Record<string, string | null>)[d] ?? null, `${spec.name}.${d}`)));
  const years = spec.production?.years ?? {};
  const all = (k: 'holidays' | 'workdays' | 'shortened') => new Set(Object.values(years).flatMap((y) => y[k] ?? []));
  const normal = week.find((h) => h.length > 0) ?? [];
  return {
    name: spec.name,
    timeZone: spec.time_zone,
    always,
    week,
    holidays: all('holidays'),
    workdays: all('workdays'),
    shortened: all('shortened'),
    shortenedByMinutes: spec.production?.shortened_by_minutes ?? 60,
    years: new Set(Object.keys(years).map(Number)),
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
