/**
 * The proof of an import: the year computed from the rules and the derived
 * decree, date by date, against the file. Weekend days and short days are
 * compared where the file says something of them.
 */
import { datesOf } from '../dates';
import type { Production } from '../year';
import { day, offText, shortText, stateOf, workingText } from './describe';
import { fileDay, type PublishedYear } from './published';

/** Every date where the computed year differs from the file, with why. */
export function mismatches(p: Production, y: PublishedYear): string[] {
  const out: string[] = [];
  for (const date of datesOf(y.year)) {
    const f = fileDay(y, date, p.isWeekend(date));
    const s = stateOf(p, date);
    if (f.working !== undefined && f.working !== s.working) {
      out.push(f.working ? `${day(date)}: the file has it as a working day, but with the decree it is a day off (${offText(p, date)})` : `${day(date)}: the file has it as a day off, but with the decree it is ${workingText(p, date)}`);
      continue;
    }
    if (f.short === undefined || !s.working || f.short === s.short) continue;
    out.push(f.short ? `${day(date)}: the file has it as a short day, but with the decree it is a full working day` : `${day(date)}: the file has it as a full working day, but the rules shorten it (${shortText(p, date)}): a decree cannot lengthen it`);
  }
  return out;
}
