/**
 * Published calendar files for the import tests, written by the tests: the
 * XML production calendar (xmlcalendar.ru style) and iCalendar feeds of days
 * off. The days are typed from the official calendars, not computed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { root } from './env';

/** [MM.DD, t, f?]: t=1 day off, 2 short working day, 3 working weekend day; f the day a day off was moved from. */
export type XmlDay = [string, 1 | 2 | 3 | number, string?];

export function xmlCalendar(year: number | string, days: XmlDay[]): string {
  const lines = days.map(([d, t, f]) => `    <day d="${d}" t="${t}"${t === 1 && !f ? ' h="1"' : ''}${f ? ` f="${f}"` : ''}/>`);
  return `<calendar year="${year}" lang="ru" date="2024.10.04" country="ru">\n  <holidays>\n    <holiday id="1" title="Новогодние каникулы"/>\n  </holidays>\n  <days>\n${lines.join('\n')}\n  </days>\n</calendar>`;
}

export const xmlFile = (...calendars: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${calendars.length === 1 ? calendars[0] : `<calendars>\n${calendars.join('\n')}\n</calendars>`}\n`;

/**
 * 2025, from the official production calendar (decree of 04.10.2024 № 1335):
 * days off Jan 1–8, Feb 23, Mar 8, May 1, 2 (from Jan 4), 8 (from Feb 23), 9,
 * Jun 12, 13 (from Mar 8), Nov 3 (from Nov 1), 4, Dec 31 (from Jan 5);
 * short Mar 7, Apr 30, Jun 11, and the working Saturday Nov 1.
 */
export const XML_2025: XmlDay[] = [
  ['01.01', 1], ['01.02', 1], ['01.03', 1], ['01.04', 1], ['01.05', 1], ['01.06', 1], ['01.07', 1], ['01.08', 1],
  ['02.23', 1], ['03.07', 2], ['03.08', 1],
  ['04.30', 2], ['05.01', 1], ['05.02', 1, '01.04'], ['05.08', 1, '02.23'], ['05.09', 1],
  ['06.11', 2], ['06.12', 1], ['06.13', 1, '03.08'],
  ['11.01', 2], ['11.03', 1, '11.01'], ['11.04', 1], ['12.31', 1, '01.05'],
];

export interface IcsEvent {
  start: string;
  /** All-day event length in days (DTEND = start + days). */
  days?: number;
  summary: string;
  rrule?: string;
  /** A timed event (DTSTART with a time) instead of an all-day one. */
  time?: string;
  /** Leave DTEND out. */
  noEnd?: boolean;
}

const compact = (d: string) => d.replace(/-/g, '');
const plusDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function ics(events: IcsEvent[]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//mail-helpdesk tests//calendar import//RU', 'CALSCALE:GREGORIAN'];
  events.forEach((e, i) => {
    lines.push('BEGIN:VEVENT', `UID:day-${i}@test`, 'DTSTAMP:20250101T000000Z');
    if (e.time) lines.push(`DTSTART:${compact(e.start)}T${e.time.replace(/:/g, '')}00Z`);
    else {
      lines.push(`DTSTART;VALUE=DATE:${compact(e.start)}`);
      if (!e.noEnd) lines.push(`DTEND;VALUE=DATE:${compact(plusDays(e.start, e.days ?? 1))}`);
    }
    if (e.rrule) lines.push(`RRULE:${e.rrule}`);
    lines.push(`SUMMARY:${e.summary}`, 'TRANSP:TRANSPARENT', 'END:VEVENT');
  });
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

/**
 * 2026 as a holiday feed lists it (days off only): Jan 1–11 (Jan 9 from the
 * decree's transfer of Jan 3), Feb 23, Mar 8 (Sun) and its Monday Mar 9, May 1,
 * May 9 (Sat) and its Monday May 11, Jun 12, Nov 4, Dec 31 (from Jan 4).
 */
export const ICS_2026: IcsEvent[] = [
  { start: '2026-01-01', days: 11, summary: 'Новогодние каникулы' },
  { start: '2026-02-23', summary: 'День защитника Отечества' },
  { start: '2026-03-08', summary: 'Международный женский день' },
  { start: '2026-03-09', summary: 'Выходной (перенос с 8 марта)' },
  { start: '2026-05-01', summary: 'Праздник Весны и Труда' },
  { start: '2026-05-09', summary: 'День Победы' },
  { start: '2026-05-11', summary: 'Выходной (перенос с 9 мая)' },
  { start: '2026-06-12', summary: 'День России' },
  { start: '2026-11-04', summary: 'День народного единства' },
  { start: '2026-12-31', summary: 'Нерабочий день (перенос с 4 января)' },
];

/**
 * A made-up decree for 2027 (the rules alone leave it provisional): the
 * January weekend days off of Jan 2 (Sat) and Jan 3 (Sun) go to Fri May 7 and
 * Fri Dec 31. By the rules 2027 has off Jan 1–8, Feb 23 (Tue), Mar 8 (Mon),
 * May 1 (Sat) → Mon May 3, May 9 (Sun) → Mon May 10, Jun 12 (Sat) → Mon
 * Jun 14, Nov 4 (Thu).
 */
export const ICS_2027: IcsEvent[] = [
  { start: '2027-01-01', days: 8, summary: 'Новогодние каникулы' },
  { start: '2027-02-23', summary: 'День защитника Отечества' },
  { start: '2027-03-08', summary: 'Международный женский день' },
  { start: '2027-05-01', summary: 'Праздник Весны и Труда' },
  { start: '2027-05-03', summary: 'Выходной (перенос)' },
  { start: '2027-05-07', summary: 'Выходной (перенос со 2 января)' },
  { start: '2027-05-09', days: 2, summary: 'День Победы' },
  { start: '2027-06-12', summary: 'День России' },
  { start: '2027-06-14', summary: 'Выходной (перенос)' },
  { start: '2027-11-04', summary: 'День народного единства' },
  { start: '2027-12-31', summary: 'Выходной (перенос с 3 января)' },
];

export const ruYaml = path.join(root, 'config', 'calendars', 'ru.yaml');
export const listedYaml = path.join(root, 'test', 'fixtures', 'calendars', 'ru-2025-2026-listed.yaml');

/** config/calendars/ru.yaml with one year's decree cut out by hand (its lines up to the next year). */
export function ruYamlWithout(year: 2025 | 2026): string {
  const text = fs.readFileSync(ruYaml, 'utf8');
  const start = text.indexOf(`  ${year}:\n`);
  const next = text.indexOf(`  ${year + 1}:\n`);
  return text.slice(0, start) + (next < 0 ? '' : text.slice(next));
}
