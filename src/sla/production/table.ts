/**
 * A year as people compare it with the official production calendar: its
 * non-working days with their reason, working weekend days, short days, and
 * per month the working days and the hours of a 40-hour week (8 h a day, a
 * short day less by the calendar's shortening).
 */
import { datesOf, WEEKDAY_NAMES, weekday } from './dates';
import type { OffDay, Production, ShortDay } from './year';

export interface YearTable {
  production: string;
  file: string;
  rules: string | null;
  year: number;
  basis: 'decree' | 'listed' | 'rules' | 'none';
  provisional: boolean;
  source: string | null;
  nonWorking: ({ date: string; weekday: string } & OffDay)[];
  workingWeekendDays: { date: string; weekday: string; to?: string }[];
  shortDays: ({ date: string; weekday: string } & ShortDay)[];
  months: { month: number; name: string; workingDays: number; hours: number }[];
  /** How much shorter a short day is. */
  shortenedByMinutes: number;
  total: { workingDays: number; hours: number };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const dayName = (date: string) => WEEKDAY_NAMES[weekday(date) - 1];
const round = (h: number) => Math.round(h * 100) / 100;

export function yearTable(p: Production, year: number): YearTable {
  const y = p.year(year);
  const months = MONTHS.map((name, i) => ({ month: i + 1, name, workingDays: 0, hours: 0 }));
  for (const date of datesOf(year)) {
    if (!p.isWorking(date)) continue;
    const m = months[Number(date.slice(5, 7)) - 1];
    m.workingDays++;
    m.hours += 8 - (y.shortened.has(date) ? p.shortenedByMinutes / 60 : 0);
  }
  for (const m of months) m.hours = round(m.hours);
  return {
    production: p.data.name,
    file: p.where,
    rules: p.rules?.code ?? null,
    year,
    basis: y.basis,
    provisional: y.provisional,
    source: y.source ?? null,
    // A listed year may list plain weekend days among its holidays: they are weekends either way.
    nonWorking: [...y.off].filter(([d, o]) => o.reason !== 'listed' || !p.isWeekend(d)).map(([date, o]) => ({ date, weekday: dayName(date), ...o })),
    workingWeekendDays: [...y.workdays].map(([date, w]) => ({ date, weekday: dayName(date), ...w })),
    shortDays: [...y.shortened].map(([date, s]) => ({ date, weekday: dayName(date), ...s })),
    months,
    shortenedByMinutes: p.shortenedByMinutes,
    total: { workingDays: months.reduce((s, m) => s + m.workingDays, 0), hours: round(months.reduce((s, m) => s + m.hours, 0)) },
  };
}

/** The table as text, for a person at a terminal. */
export function formatYearTable(t: YearTable): string[] {
  const why = (o: YearTable['nonWorking'][number]) =>
    o.reason === 'holiday' ? `holiday: ${o.holiday} (${o.local})` : o.reason === 'moved' ? `moved from ${o.from} (${o.holiday}), by the law` : o.reason === 'decree' ? (o.from ? `moved from ${o.from} by the decree` : 'made free by the decree') : 'listed in the data file';
  const basis = { decree: `rules ${t.rules} + decree${t.source ? `: ${t.source}` : ''}`, listed: 'listed whole in the data file', rules: `PROVISIONAL: no decree in the data; computed by the rules (${t.rules}) alone`, none: 'PROVISIONAL: no data and no rules: weekends only' }[t.basis];
  const out = [`Production calendar ${t.production} ${t.year} (${t.file})`, `  ${basis}`, '', 'Non-working days'];
  for (const o of t.nonWorking) out.push(`  ${o.date} ${o.weekday}  ${why(o)}`);
  if (t.nonWorking.length === 0) out.push('  (none)');
  out.push('', 'Working weekend days');
  for (const w of t.workingWeekendDays) out.push(`  ${w.date} ${w.weekday}${w.to ? `  its day off moved to ${w.to}` : ''}`);
  if (t.workingWeekendDays.length === 0) out.push('  (none)');
  out.push('', `Short days (${t.shortenedByMinutes === 60 ? 'one hour' : `${t.shortenedByMinutes} minutes`} shorter)`);
  const short = (s: YearTable['shortDays'][number]) =>
    s.reason === 'rule' ? (s.for ? `works in the place of ${s.for}, the eve of the holiday of ${s.before}` : `before the holiday of ${s.before}`) : s.reason === 'decree' ? 'by the decree' : 'listed in the data file';
  for (const s of t.shortDays) out.push(`  ${s.date} ${s.weekday}  ${short(s)}`);
  if (t.shortDays.length === 0) out.push('  (none)');
  out.push('', 'Month       working days   hours (40-hour week)');
  for (const m of t.months) out.push(`${m.name.padEnd(12)}${String(m.workingDays).padStart(12)}${String(m.hours).padStart(11)}`);
  out.push(`${'Year'.padEnd(12)}${String(t.total.workingDays).padStart(12)}${String(t.total.hours).padStart(11)}`);
  return out;
}
