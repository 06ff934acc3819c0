/**
 * A year as a published calendar states it (an XML production calendar, an
 * iCalendar feed of days off, or what `calendar show --json` printed): what
 * the import compares with the rules to find the year's decree.
 */

export interface PublishedYear {
  year: number;
  /** Days off the file lists (weekend days among them may be listed too); `from`: the day the day off was moved from, when the file says. */
  off: Map<string, { from?: string }>;
  /** Weekend days the file makes working. */
  workdays: Set<string>;
  /** Short working days (on a weekend day: a working day too). */
  shortened: Set<string>;
  /** Whether the file says which weekend days are working / which days are short (a days-off feed may say neither). */
  asserts: { workdays: boolean; shortened: boolean };
  /** The decree, as the file names it. */
  source?: string;
}

export type PublishedFormat = 'xml' | 'ical' | 'json';

export interface Published {
  /** The file, as named in messages. */
  file: string;
  format: PublishedFormat;
  years: PublishedYear[];
}

/** A file that cannot be read as a calendar, or a year no decree can give: exit 1, with the message. */
export class ImportError extends Error {}

export const emptyYear = (year: number): PublishedYear => ({ year, off: new Map(), workdays: new Set(), shortened: new Set(), asserts: { workdays: false, shortened: false } });

/**
 * What the file says of one date: working or not (undefined: it does not say —
 * a weekend day of a file that lists no working weekend days), short or not
 * (undefined: the file lists no short days).
 */
export function fileDay(y: PublishedYear, date: string, isWeekend: boolean): { working?: boolean; short?: boolean } {
  const short = y.asserts.shortened ? y.shortened.has(date) : undefined;
  if (y.off.has(date)) return { working: false, short };
  if (!isWeekend) return { working: true, short };
  if (y.workdays.has(date) || y.shortened.has(date)) return { working: true, short };
  return { working: y.asserts.workdays ? false : undefined, short };
}

/** A day listed twice with different meanings is a contradiction in the file, said with both. */
export function checkConsistent(y: PublishedYear, where: string): void {
  for (const d of y.off.keys()) {
    if (y.workdays.has(d)) throw new ImportError(`${where}: ${d} is listed both as a day off and as a working day`);
    if (y.shortened.has(d)) throw new ImportError(`${where}: ${d} is listed both as a day off and as a short working day`);
  }
}
