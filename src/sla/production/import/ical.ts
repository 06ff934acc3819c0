/**
 * An iCalendar (RFC 5545) feed of days off, as holiday feeds are published:
 * every all-day VEVENT (DTSTART;VALUE=DATE) is a day off, over DTSTART up to
 * DTEND (exclusive) or DURATION, else the one day. What such feeds cannot
 * say, by convention of their SUMMARY: /сокращ|предпраздн|short|pre-holiday/i
 * is a short working day, /рабоч|working day/i (not "нерабоч", "non-working")
 * a working weekend day; a year asserts working weekend days, or short days,
 * only if it has one such event. Events with a time (DATE-TIME) are refused:
 * a feed of meetings is not a calendar of days off. A repeating event (RRULE)
 * is expanded within the years asked (--year), else within the years the
 * feed's single events cover; a feed of repeating events only needs --year.
 * Cancelled events (STATUS:CANCELLED) are no days; a changed occurrence of a
 * repeating event (RECURRENCE-ID) is refused.
 */
import ICAL from 'ical.js';
import { addDays } from '../dates';
import { checkConsistent, emptyYear, ImportError, type PublishedYear } from './published';

type Kind = 'off' | 'short' | 'working';

const SHORT = /сокращ|предпраздн|short|pre-holiday/i;
const WORKING = /(?<!(не|non)[- ]?)(рабоч|working day)/i;

export function kindOf(summary: string): Kind {
  if (SHORT.test(summary)) return 'short';
  return WORKING.test(summary) ? 'working' : 'off';
}

interface Span {
  kind: Kind;
  /** First and last day (inclusive). */
  first: string;
  last: string;
  what: string;
}

export function readIcal(text: string, where: string, asked?: number[]): PublishedYear[] {
  let calendars: ICAL.Component[];
  try {
    const jcal = ICAL.parse(text);
    // Several VCALENDARs in one file come as a list of them.
    calendars = (Array.isArray(jcal[0]) ? (jcal as unknown as unknown[][]) : [jcal]).map((c) => new ICAL.Component(c as never));
  } catch (err) {
    throw new ImportError(`${where}: not valid iCalendar: ${(err as Error).message}`);
  }
  if (calendars.some((c) => c.name !== 'vcalendar')) throw new ImportError(`${where}: not valid iCalendar: no VCALENDAR`);
  const single: Span[] = [];
  const repeating: ICAL.Event[] = [];
  for (const v of calendars.flatMap((c) => c.getAllSubcomponents('vevent'))) {
    const e = new ICAL.Event(v);
    const what = `event "${e.summary ?? ''}"${e.uid ? ` (UID ${e.uid})` : ''}`;
    if (String(v.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
    if (v.hasProperty('recurrence-id')) throw new ImportError(`${where}: ${what} changes one occurrence of a repeating event (RECURRENCE-ID): not supported; list the days as single events`);
    if (!v.hasProperty('dtstart')) throw new ImportError(`${where}: ${what} has no DTSTART`);
    if (!e.startDate.isDate) throw new ImportError(`${where}: ${what} starts at ${e.startDate.toString()}: a day off is an all-day event (DTSTART;VALUE=DATE); events with a time are not days off`);
    if (v.hasProperty('dtend') && !e.endDate.isDate) throw new ImportError(`${where}: ${what} ends at ${e.endDate.toString()}: an all-day event ends on a date (DTEND;VALUE=DATE)`);
    if (e.isRecurring()) repeating.push(e);
    else single.push(span(e.startDate.toString(), daysOf(e, where, what), kindOf(e.summary ?? ''), what));
  }
  const fileYears = [...new Set(single.flatMap((s) => [s.first, s.last].map((d) => Number(d.slice(0, 4)))))];
  const years = asked ?? fileYears;
  if (repeating.length > 0 && years.length === 0) throw new ImportError(`${where}: every event repeats (RRULE): say which year to import with --year`);
  const spans = [...single, ...repeating.flatMap((e) => occurrences(e, years, where))];
  return publishedYears(spans, where);
}

/** How many days an event lasts: DTEND (exclusive) or DURATION, else one. */
function daysOf(e: ICAL.Event, where: string, what: string): number {
  const c = e.component;
  if (!c.hasProperty('dtend') && !c.hasProperty('duration')) return 1;
  const n = e.endDate.subtractDate(e.startDate).toSeconds() / 86_400;
  if (!(n >= 1) || !Number.isInteger(n)) throw new ImportError(`${where}: ${what} ends (${e.endDate.toString()}) before a whole day after it starts (${e.startDate.toString()})`);
  return n;
}

const span = (first: string, days: number, kind: Kind, what: string): Span => ({ kind, first, last: addDays(first, days - 1), what });

function occurrences(e: ICAL.Event, years: number[], where: string): Span[] {
  const what = `event "${e.summary ?? ''}"${e.uid ? ` (UID ${e.uid})` : ''}`;
  const days = daysOf(e, where, what);
  const kind = kindOf(e.summary ?? '');
  const last = `${Math.max(...years)}-12-31`;
  const out: Span[] = [];
  const it = e.iterator();
  for (let next = it.next(), n = 0; next && next.toString() <= last; next = it.next(), n++) {
    if (n > 100_000) throw new ImportError(`${where}: ${what} repeats too often to expand`);
    const s = span(next.toString(), days, kind, what);
    if (years.some((y) => s.first.startsWith(`${y}-`) || s.last.startsWith(`${y}-`))) out.push(s);
  }
  return out;
}

function publishedYears(spans: Span[], where: string): PublishedYear[] {
  const years = new Map<number, PublishedYear>();
  const kinds = new Map<string, Span>();
  for (const s of spans) {
    for (let d = s.first; d <= s.last; d = addDays(d, 1)) {
      const was = kinds.get(d);
      if (was && was.kind !== s.kind) throw new ImportError(`${where}: ${d} is a ${describe(was.kind)} by ${was.what} and a ${describe(s.kind)} by ${s.what}`);
      kinds.set(d, s);
      const year = Number(d.slice(0, 4));
      let y = years.get(year);
      if (!y) years.set(year, (y = emptyYear(year)));
      if (s.kind === 'off') y.off.set(d, {});
      else if (s.kind === 'short') (y.shortened.add(d), (y.asserts.shortened = true));
      else (y.workdays.add(d), (y.asserts.workdays = true));
    }
  }
  for (const y of years.values()) checkConsistent(y, where);
  return [...years.values()].sort((a, b) => a.year - b.year);
}

const describe = (k: Kind) => ({ off: 'day off', short: 'short working day', working: 'working day' })[k];
