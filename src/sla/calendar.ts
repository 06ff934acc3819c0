import type { Production } from './production/year';
import { instantOf, localParts } from './zone';

/** Working hours of one day: [start, end) in minutes after local midnight. */
export type Hours = readonly (readonly [number, number])[];

/** A working-time calendar: a zone, weekly hours, and the year data of a production calendar. */
export interface Calendar {
  name: string;
  timeZone: string;
  /** true: every instant counts (24x7); the rest is then unused. */
  always: boolean;
  /** Hours per ISO weekday, index 0 = Monday … 6 = Sunday. */
  week: readonly Hours[];
  /**
   * The production calendar: per year its days off, working weekend days
   * (with the normal weekday hours) and short days (shortened at the end).
   * null: the weekly hours are all there is.
   */
  production: Production | null;
  /** The normal working-day length, what "1d" counts: 9 h for 09:00–18:00, 24 h for 24x7. */
  dayMinutes: number;
}

const DAY = 86_400_000;

/**
 * Each date's working intervals, per calendar: they are the same on every call, and finding the
 * instants of local times (Intl) was half the time of an SLA sweep. Bounded; cleared when full.
 */
const known = new WeakMap<Calendar, Map<string, readonly (readonly [number, number])[]>>();
const KNOWN_DATES = 20_000;

/** The working intervals of a local date, as instants [start, end); the whole day on 24x7 when `always` is asked. */
export function workingIntervals(cal: Calendar, year: number, month: number, day: number, always = false): readonly (readonly [number, number])[] {
  let dates = known.get(cal);
  if (!dates) known.set(cal, (dates = new Map()));
  const key = `${always ? '*' : ''}${year}-${month}-${day}`;
  let hit = dates.get(key);
  if (!hit) {
    if (dates.size >= KNOWN_DATES) dates.clear();
    hit = always ? [[instantOf(year, month, day, 0, cal.timeZone), instantOf(year, month, day, 1440, cal.timeZone)]] : intervalsOf(cal, year, month, day);
    dates.set(key, hit);
  }
  return hit;
}

function intervalsOf(cal: Calendar, year: number, month: number, day: number): [number, number][] {
  const key = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const p = cal.production?.year(year);
  if (p?.off.has(key)) return [];
  const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
  let hours: Hours = cal.week[weekday];
  if (p?.workdays.has(key) && hours.length === 0) hours = normalHours(cal);
  if (p?.shortened.has(key) && hours.length > 0) {
    const last = hours[hours.length - 1];
    hours = [...hours.slice(0, -1), [last[0], Math.max(last[0], last[1] - cal.production!.shortenedByMinutes)] as const];
  }
  return hours
    .filter(([s, e]) => e > s)
    .map(([s, e]) => [instantOf(year, month, day, s, cal.timeZone), instantOf(year, month, day, e, cal.timeZone)]);
}

/** The hours of the calendar's first working weekday (what a transferred working Saturday gets). */
function normalHours(cal: Calendar): Hours {
  return cal.week.find((h) => h.length > 0) ?? [];
}

/** Local dates from the one containing `ms`, one after another (cal.timeZone). */
function* datesFrom(ms: number, timeZone: string): Generator<[number, number, number]> {
  const p = localParts(ms, timeZone);
  for (let d = Date.UTC(p.year, p.month - 1, p.day); ; d += DAY) {
    const t = new Date(d);
    yield [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
  }
}

/** Ten years without a working minute means the calendar has none. */
const MAX_DAYS = 3660;

/** A pause of the clock: [start, end) (an open pause has end = Infinity). */
export type Pause = readonly [number, number];

/** Counted intervals of a date: working hours (the whole day on 24x7) minus the pauses. */
function countedIntervals(cal: Calendar, y: number, m: number, d: number, pauses: readonly Pause[]): [number, number][] {
  let out = workingIntervals(cal, y, m, d, cal.always) as [number, number][];
  for (const [ps, pe] of pauses) {
    out = out.flatMap(([s, e]): [number, number][] => (pe <= s || ps >= e ? [[s, e]] : ([[s, Math.min(ps, e)], [Math.max(pe, s), e]] as [number, number][]).filter(([a, b]) => b > a)));
  }
  return out;
}

/**
 * The earliest instant at which the working time counted from `start`
 * reaches `minutes`, not counting the pauses. Exact to the millisecond;
 * 24x7 calendars count elapsed time (23 or 25 h on a DST day).
 */
export function addBusinessTime(start: Date, minutes: number, cal: Calendar, pauses: readonly Pause[] = []): Date {
  if (!(minutes >= 0)) throw new Error(`bad duration ${minutes}`);
  const from = start.getTime();
  if (cal.always && pauses.length === 0) return new Date(from + minutes * 60_000);
  let left = minutes * 60_000;
  let n = 0;
  for (const [y, m, d] of datesFrom(from, cal.timeZone)) {
    if (++n > MAX_DAYS) throw new Error(`calendar ${cal.name} has no working time within ten years of ${start.toISOString()}`);
    for (const [s, e] of countedIntervals(cal, y, m, d, pauses)) {
      if (e <= from) continue;
      const begin = Math.max(s, from);
      if (left <= e - begin) return new Date(begin + left);
      left -= e - begin;
    }
  }
  throw new Error('unreachable');
}

/** Working minutes between two instants, not counting the pauses (0 when b ≤ a). */
export function businessTimeBetween(a: Date, b: Date, cal: Calendar, pauses: readonly Pause[] = []): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to <= from) return 0;
  if (cal.always && pauses.length === 0) return (to - from) / 60_000;
  let total = 0;
  for (const [y, m, d] of datesFrom(from, cal.timeZone)) {
    if (instantOf(y, m, d, 0, cal.timeZone) >= to) break;
    for (const [s, e] of countedIntervals(cal, y, m, d, pauses)) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
  }
  return total / 60_000;
}

/** "30m", "4h", "2d" (working days of the calendar's normal length) or plain minutes. */
export function parseDuration(text: string | number, cal: Pick<Calendar, 'dayMinutes'>): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$/i.exec(text);
  if (!m) throw new Error(`bad duration "${text}": use e.g. 30m, 4h, 2d`);
  const n = Number(m[1]);
  return m[2].toLowerCase() === 'h' ? n * 60 : m[2].toLowerCase() === 'd' ? n * cal.dayMinutes : n;
}

/**
 * The years between two instants (in the calendar's zone) that nobody vouched
 * for: no decree and no listing in the production calendar, so the rules alone
 * counted them. 24x7 calendars and calendars without a production calendar have none.
 */
export function provisionalYears(cal: Calendar, from: Date, to: Date): number[] {
  if (cal.always || !cal.production) return [];
  const out: number[] = [];
  for (let y = localParts(from.getTime(), cal.timeZone).year; y <= localParts(to.getTime(), cal.timeZone).year; y++) {
    if (cal.production.year(y).provisional) out.push(y);
  }
  return out;
}

/** The first working instant at or after `at` (itself when inside working hours). */
export function nextWorkingInstant(at: Date, cal: Calendar): Date {
  const from = at.getTime();
  if (cal.always) return at;
  let n = 0;
  for (const [y, m, d] of datesFrom(from, cal.timeZone)) {
    if (++n > MAX_DAYS) throw new Error(`calendar ${cal.name} has no working time`);
    for (const [s, e] of workingIntervals(cal, y, m, d)) if (e > from) return new Date(Math.max(s, from));
  }
  throw new Error('unreachable');
}
