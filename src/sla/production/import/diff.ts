/**
 * What changed in a year between two computations of it (the rules alone and
 * the import; the data file before and after), one line a change, for a
 * person to check against the decree:
 *   + 2025-05-02 Fri  day off (moved from 2025-01-04)
 *   - 2025-02-24 Mon  the rules' day off for 2025-02-23 is a working day (moved to 2025-05-08)
 *   + 2025-11-01 Sat  working weekend day (its day off moved to 2025-11-03)
 *   + 2025-11-01 Sat  short day (by the decree)
 */
import { datesOf } from '../dates';
import type { Production } from '../year';
import { day, offText, shortText, stateOf } from './describe';

export function diffYear(before: Production, after: Production, year: number): string[] {
  const out: string[] = [];
  for (const date of datesOf(year)) {
    const b = stateOf(before, date);
    const a = stateOf(after, date);
    const weekend = after.isWeekend(date);
    if (b.working && !a.working) out.push(weekend ? `- ${day(date)}  working weekend day (a day off now)` : `+ ${day(date)}  day off (${offText(after, date)})`);
    if (!b.working && a.working) {
      const to = after.year(year).workdays.get(date)?.to;
      out.push(weekend ? `+ ${day(date)}  working weekend day${to ? ` (its day off moved to ${to})` : ''}` : `- ${day(date)}  ${noLongerOff(before, after, date)}`);
    }
    if (!b.short && a.short) out.push(`+ ${day(date)}  short day (${shortText(after, date)})`);
    if (b.short && !a.short) out.push(`- ${day(date)}  short day (${a.working ? 'a full day now' : 'a day off now'})`);
  }
  return out;
}

/** A weekday off before and working after: whose day off it was, and where it went. */
function noLongerOff(before: Production, after: Production, date: string): string {
  const year = Number(date.slice(0, 4));
  const o = before.year(year).off.get(date);
  if (o?.reason !== 'moved') return `day off (${offText(before, date)}) is a working day`;
  const to = [...after.year(year).off].find(([, x]) => (x.reason === 'moved' || x.reason === 'decree') && x.from === o.from)?.[0];
  return `the rules' day off for ${o.from} is a working day${to ? ` (moved to ${to})` : ''}`;
}
