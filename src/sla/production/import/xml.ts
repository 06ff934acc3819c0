/**
 * The XML production calendar published for Russia (xmlcalendar.ru, the
 * Consultant style): <calendar year="2025"><holidays>…</holidays><days>
 * <day d="MM.DD" t="1|2|3" [h="…"] [f="MM.DD"]/>…</days></calendar>.
 * t=1 a day off, t=2 a short working day (on a weekend day, a working one
 * too), t=3 a working weekend day; f: the day the day off was moved from.
 * A file holds one <calendar>, or a root element wrapping several.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isIsoDate, isoDate } from '../dates';
import { checkConsistent, emptyYear, ImportError, type PublishedYear } from './published';

type Attrs = Record<string, unknown>;

export function readXmlCalendar(text: string, where: string): PublishedYear[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ImportError(`${where}: not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', ignoreDeclaration: true, ignorePiTags: true, parseAttributeValue: false, isArray: (name) => name === 'calendar' || name === 'day' });
  const doc = parser.parse(text) as Record<string, unknown>;
  const calendars = calendarsOf(doc);
  if (!calendars) throw new ImportError(`${where}: XML, but not a production calendar: no <calendar year="YYYY"> element (at the top, or inside the root element)`);
  const years = calendars.map((c, i) => readCalendar(c, where, i + 1));
  const seen = new Set<number>();
  for (const y of years) {
    if (seen.has(y.year)) throw new ImportError(`${where}: the year ${y.year} is in the file twice`);
    seen.add(y.year);
  }
  return years;
}

function calendarsOf(doc: Record<string, unknown>): Attrs[] | null {
  if (Array.isArray(doc.calendar)) return doc.calendar as Attrs[];
  const roots = Object.values(doc).filter((v) => v && typeof v === 'object');
  if (roots.length === 1 && Array.isArray((roots[0] as Attrs).calendar)) return (roots[0] as Attrs).calendar as Attrs[];
  return null;
}

function readCalendar(c: Attrs, file: string, n: number): PublishedYear {
  const yearText = String(c['@year'] ?? '');
  if (!/^\d{4}$/.test(yearText)) throw new ImportError(`${file}: <calendar> ${n}: year="${yearText}" is not a year (YYYY)`);
  const year = Number(yearText);
  const where = `${file}: <calendar year="${year}">`;
  const y = emptyYear(year);
  y.asserts = { workdays: true, shortened: true };
  const daysNode = c.days as Attrs | string | undefined;
  const days = daysNode && typeof daysNode === 'object' ? ((daysNode.day as Attrs[] | undefined) ?? []) : [];
  const seen = new Set<string>();
  for (const day of days) {
    const at = `${where}: <day d="${String(day['@d'] ?? '')}"${day['@t'] !== undefined ? ` t="${String(day['@t'])}"` : ''}>`;
    const date = dayOf(year, day['@d'], at, 'd');
    if (seen.has(date)) throw new ImportError(`${at}: ${date} is listed twice`);
    seen.add(date);
    const t = String(day['@t'] ?? '');
    if (day['@f'] !== undefined && t !== '1') throw new ImportError(`${at}: f (the day a day off was moved from) belongs on a day off (t="1")`);
    if (t === '1') y.off.set(date, day['@f'] !== undefined ? { from: dayOf(year, day['@f'], at, 'f') } : {});
    else if (t === '2') y.shortened.add(date);
    else if (t === '3') y.workdays.add(date);
    else throw new ImportError(`${at}: t must be 1 (a day off), 2 (a short working day) or 3 (a working weekend day)`);
  }
  checkConsistent(y, where);
  return y;
}

/** "MM.DD" of the calendar's year. */
function dayOf(year: number, v: unknown, at: string, attr: string): string {
  const m = /^(\d{2})\.(\d{2})$/.exec(String(v ?? ''));
  const date = m ? isoDate(year, Number(m[1]), Number(m[2])) : '';
  if (!m || !isIsoDate(date)) throw new ImportError(`${at}: ${attr}="${String(v ?? '')}" is not a date of ${year} (MM.DD)`);
  return date;
}
