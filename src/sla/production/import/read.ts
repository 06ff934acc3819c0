/**
 * A published calendar file, its format told by its content (not its name):
 * XML (a <calendar> production calendar), iCalendar (BEGIN:VCALENDAR), or the
 * JSON of `calendar show --json`.
 */
import { readIcal } from './ical';
import { ImportError, type Published } from './published';
import { isShowJson, readShowJson } from './show-json';
import { readXmlCalendar } from './xml';

const FORMATS = 'an XML production calendar (<calendar year="YYYY">…), an iCalendar file of days off (BEGIN:VCALENDAR) or the JSON of `helpdesk calendar show YEAR --json`';

/** years: the years asked (--year); an iCalendar feed expands its repeating events within them. */
export function readPublished(text: string, where: string, years?: number[]): Published {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) return { file: where, format: 'xml', years: readXmlCalendar(body, where) };
  if (/^BEGIN:VCALENDAR\b/i.test(body)) return { file: where, format: 'ical', years: readIcal(body, where, years) };
  if (body.startsWith('{') || body.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch (err) {
      throw new ImportError(`${where}: looks like JSON but is not: ${(err as Error).message}`);
    }
    if (!isShowJson(v)) throw new ImportError(`${where}: JSON, but not what \`helpdesk calendar show YEAR --json\` prints (an object with year and nonWorking)`);
    return { file: where, format: 'json', years: readShowJson(v, where) };
  }
  throw new ImportError(`${where}: not a calendar this command reads: expected ${FORMATS}`);
}
