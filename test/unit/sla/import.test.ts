/**
 * calendar import, without the CLI: published files read, the decree derived
 * from them and proven, the data file edited. Expected decrees are the
 * official ones (config/calendars/ru.yaml, typed from the decrees) or worked
 * out by hand from the rules (said next to each); the expected days come from
 * test/fixtures/calendars/ru-2025-2026-listed.yaml (the years listed whole, as
 * the official calendars print them), never from the code under test.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { loadProduction } from '../../../src/sla/build';
import { datesOf } from '../../../src/sla/production/dates';
import { loadProductionData, parseProductionData, type ProductionData } from '../../../src/sla/production/data';
import { deriveDecree, withDecree } from '../../../src/sla/production/import/derive';
import { kindOf } from '../../../src/sla/production/import/ical';
import { planImport } from '../../../src/sla/production/import/plan';
import { ImportError } from '../../../src/sla/production/import/published';
import { readPublished } from '../../../src/sla/production/import/read';
import { editDataFile } from '../../../src/sla/production/import/write';
import { yearTable } from '../../../src/sla/production/table';
import { Production } from '../../../src/sla/production/year';
import { ICS_2026, ICS_2027, ics, listedYaml, ruYaml, ruYamlWithout, XML_2025, xmlCalendar, xmlFile, type XmlDay } from '../../support/calendar-files';

const ru = loadProductionData(ruYaml);
const listed = loadProduction(listedYaml);
const dataOf = (text: string) => parseProductionData(parse(text), 'test');

/** The one year a file holds, read and derived against data (default: ru.yaml without that year). */
function derive(text: string, data?: ProductionData) {
  const [pub, ...more] = readPublished(text, 'test-file').years;
  expect(more).toEqual([]);
  return deriveDecree(data ?? withDecree(ru, pub.year, undefined), 'ru.yaml', pub);
}

/** Every date of the year where two calendars differ in working or short: expected none. */
function differences(a: Production, b: Production, year: number): string[] {
  const state = (p: Production, d: string) => `${p.isWorking(d) ? 'working' : 'off'}${p.isWorking(d) && p.year(year).shortened.has(d) ? ', short' : ''}`;
  return [...datesOf(year)].filter((d) => state(a, d) !== state(b, d)).map((d) => `${d}: ${state(a, d)} vs ${state(b, d)}`);
}

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return (err as Error).message;
  }
  throw new Error('expected an ImportError');
};

const xml2025 = (edit: (days: XmlDay[]) => XmlDay[] = (d) => d) => xmlFile(xmlCalendar(2025, edit(XML_2025.map((d) => [...d] as XmlDay))));

describe('XML production calendar', () => {
  test('2025 into a data file without 2025: exactly the decree of ru.yaml, and every date as the official calendar', () => {
    const d = derive(xml2025());
    const { source: _source, ...official } = ru.decrees['2025'];
    expect(d.decree).toEqual(official); // the XML names no decree
    // Written out from decree № 1335, as a second check on ru.yaml itself:
    expect(d.decree.transfers).toEqual([
      { from: '2025-01-04', to: '2025-05-02' },
      { from: '2025-01-05', to: '2025-12-31' },
      { from: '2025-02-23', to: '2025-05-08' },
      { from: '2025-03-08', to: '2025-06-13' },
      { from: '2025-11-01', to: '2025-11-03' },
    ]);
    expect(differences(d.production, listed, 2025)).toEqual([]);
    expect(d.notes).toEqual([]);
  });

  test('the diff against the rules, line by line', () => {
    // By the rules alone 2025 has Feb 24 and Mar 10 off (moves of Sun Feb 23 and Sat Mar 8), and short May 8, Nov 3, Dec 31 (eves of May 9, Nov 4, Jan 1).
    const plan = planImport(withDecree(ru, 2025, undefined), 'ru.yaml', readPublished(xml2025(), 'x.xml'));
    expect(plan.years[0].againstRules).toEqual([
      "- 2025-02-24 Mon  the rules' day off for 2025-02-23 is a working day (moved to 2025-05-08)",
      "- 2025-03-10 Mon  the rules' day off for 2025-03-08 is a working day (moved to 2025-06-13)",
      '+ 2025-05-02 Fri  day off (moved from 2025-01-04)',
      '+ 2025-05-08 Thu  day off (moved from 2025-02-23)',
      '- 2025-05-08 Thu  short day (a day off now)',
      '+ 2025-06-13 Fri  day off (moved from 2025-03-08)',
      '+ 2025-11-01 Sat  working weekend day (its day off moved to 2025-11-03)',
      '+ 2025-11-01 Sat  short day (works in the place of 2025-11-03, the eve of the holiday of 2025-11-04)',
      '+ 2025-11-03 Mon  day off (moved from 2025-11-01)',
      '- 2025-11-03 Mon  short day (a day off now)',
      '+ 2025-12-31 Wed  day off (moved from 2025-01-05)',
      '- 2025-12-31 Wed  short day (a day off now)',
    ]);
    expect(plan.years[0].before).toBe('nothing');
  });

  test('without f the moves pair in date order with the days that need one', () => {
    // Drop every f: the new weekdays off May 2, May 8, Jun 13, Nov 3, Dec 31 pair in date order with the days whose day off
    // must go somewhere — Feb 23 (its Monday Feb 24 is working), Mar 8 (Mar 10 is working), Nov 1 (a working Saturday);
    // May 2 ← Feb 23, May 8 ← Mar 8, Jun 13 ← Nov 1; Nov 3 and Dec 31 are left: bridge days.
    const d = derive(xml2025((days) => days.map(([md, t]) => [md, t])));
    expect(d.decree).toEqual({
      transfers: [
        { from: '2025-02-23', to: '2025-05-02' },
        { from: '2025-03-08', to: '2025-05-08' },
        { from: '2025-11-01', to: '2025-06-13' },
      ],
      days_off: ['2025-11-03', '2025-12-31'],
      workdays: [],
      shortened: ['2025-11-01'],
    });
    expect(differences(d.production, listed, 2025)).toEqual([]);
  });

  test('a root wrapping several calendars; each year is its own', () => {
    const y2026: XmlDay[] = [
      ['01.01', 1], ['01.02', 1], ['01.03', 1], ['01.04', 1], ['01.05', 1], ['01.06', 1], ['01.07', 1], ['01.08', 1], ['01.09', 1, '01.03'],
      ['02.23', 1], ['03.09', 1], ['04.30', 2], ['05.01', 1], ['05.08', 2], ['05.11', 1], ['06.11', 2], ['06.12', 1], ['11.03', 2], ['11.04', 1], ['12.31', 1, '01.04'],
    ];
    const text = xmlFile(xmlCalendar(2025, XML_2025), xmlCalendar(2026, y2026));
    const pub = readPublished(text, 'two.xml');
    expect(pub.years.map((y) => y.year)).toEqual([2025, 2026]);
    const plan = planImport(withDecree(withDecree(ru, 2025, undefined), 2026, undefined), 'ru.yaml', pub);
    const { source: _s, ...decree2026 } = ru.decrees['2026'];
    expect(plan.years[1].decree).toEqual(decree2026);
    expect(differences(new Production(plan.data), listed, 2026)).toEqual([]);
    expect(planImport(withDecree(ru, 2026, undefined), 'ru.yaml', pub, { years: [2026] }).years.map((y) => y.year)).toEqual([2026]);
    expect(message(() => planImport(ru, 'ru.yaml', pub, { years: [2024] }))).toBe('two.xml: the file has no 2024 (it has 2025, 2026)');
  });

  test.each([
    ['a day that is no date', (d: XmlDay[]) => [...d, ['02.30', 1]], 'test-file: <calendar year="2025">: <day d="02.30" t="1">: d="02.30" is not a date of 2025 (MM.DD)'],
    ['a month 13', (d: XmlDay[]) => [...d, ['13.01', 1]], 'd="13.01" is not a date of 2025'],
    ['t=4', (d: XmlDay[]) => [...d, ['07.01', 4]], '<day d="07.01" t="4">: t must be 1 (a day off), 2 (a short working day) or 3 (a working weekend day)'],
    ['f that is no date', (d: XmlDay[]) => d.map(([md, t, f]) => [md, t, f === '01.04' ? '1.4' : f] as XmlDay), '<day d="05.02" t="1">: f="1.4" is not a date of 2025'],
    ['a day listed twice', (d: XmlDay[]) => [...d, ['03.07', 1]], '<day d="03.07" t="1">: 2025-03-07 is listed twice'],
  ])('bad XML: %s', (_what, edit, expected) => {
    expect(message(() => readPublished(xml2025(edit as (d: XmlDay[]) => XmlDay[]), 'test-file'))).toContain(expected);
  });

  test('XML that is not well-formed, or not a production calendar', () => {
    expect(message(() => readPublished('<calendar year="2025"><days><day d="01.01" t="1"></days></calendar>', 'a.xml'))).toMatch(/^a\.xml: not well-formed XML \(line 1, column \d+\)/);
    expect(message(() => readPublished('<html><body>404</body></html>', 'a.xml'))).toBe('a.xml: XML, but not a production calendar: no <calendar year="YYYY"> element (at the top, or inside the root element)');
    expect(message(() => readPublished('<calendar year="25"><days/></calendar>', 'a.xml'))).toBe('a.xml: <calendar> 1: year="25" is not a year (YYYY)');
  });

  test('a file that makes 23 February a working day: refused, naming the date', () => {
    // 2025: Feb 23 is a Sunday, marked working (t=3).
    const sunday = message(() => derive(xml2025((d) => d.map(([md, t, f]) => (md === '02.23' ? ['02.23', 3] : [md, t, f]) as XmlDay))));
    expect(sunday).toContain('2025-02-23 Sun: the file has it as a working day, but it is a public holiday (Defender of the Fatherland Day): no decree makes a holiday a working day');
    // 2026: Feb 23 is a Monday, simply left out of the days off.
    const days2026: XmlDay[] = [['01.01', 1], ['01.02', 1], ['01.05', 1], ['01.06', 1], ['01.07', 1], ['01.08', 1], ['03.09', 1], ['05.01', 1], ['05.11', 1], ['06.12', 1], ['11.04', 1]];
    expect(message(() => derive(xmlFile(xmlCalendar(2026, days2026))))).toContain('2026-02-23 Mon: the file has it as a working day, but it is a public holiday');
  });

  test("a holiday's move dropped, a rules' short day made full, a move from a weekday: refused, naming the date", () => {
    // Without May 8 the day off of Sun Feb 23 (whose Monday Feb 24 the file keeps working) has nowhere to go.
    expect(message(() => derive(xml2025((d) => d.filter(([md]) => md !== '05.08'))))).toContain(
      "2025-02-24 Mon: the file has it as a working day; it is the rules' day off for the holiday of 2025-02-23 Sun, which a decree may move to another day but not drop",
    );
    // Apr 30 is the working day before May 1: art. 95 shortens it, and no decree can lengthen it.
    expect(message(() => derive(xml2025((d) => d.filter(([md]) => md !== '04.30'))))).toContain('2025-04-30 Wed: the file has it as a full working day, but the rules shorten it (the day before the holiday of 2025-05-01)');
    expect(message(() => derive(xml2025((d) => d.map(([md, t, f]) => (md === '05.02' ? ['05.02', 1, '01.09'] : [md, t, f]) as XmlDay))))).toContain(
      '2025-05-02 Fri: the file moves its day off from 2025-01-09 Thu, which is not a weekend day',
    );
  });
});

describe('iCalendar feed of days off', () => {
  test('2026, days off only: the bridge days are days_off, every date as the official calendar, the rules keep the short days', () => {
    const d = derive(ics(ICS_2026));
    // Beyond the rules the feed has Fri Jan 9 and Thu Dec 31 off; no working weekend day or cancelled move to pair them with.
    expect(d.decree).toEqual({ transfers: [], days_off: ['2026-01-09', '2026-12-31'], workdays: [], shortened: [] });
    expect(differences(d.production, listed, 2026)).toEqual([]);
    expect(d.notes).toEqual(["the file lists no short days: the rules' short days stay", 'the file lists no working weekend days: weekend days are as the rules have them']);
  });

  test('working and short days by SUMMARY; moves paired in date order', () => {
    // 2027 by the rules: Sat May 1 → Mon May 3. The feed keeps May 3 working and has Tue May 4 off instead; it makes Sat Nov 6
    // working and Fri Nov 5 off. Sources in date order: May 1 (its move cancelled), Nov 6; new days off: May 4, Nov 5.
    const feed = ICS_2027.filter((e) => e.start !== '2027-05-03' && e.start !== '2027-05-07' && e.start !== '2027-12-31');
    feed.push({ start: '2027-05-04', summary: 'Выходной (перенос)' }, { start: '2027-11-05', summary: 'Выходной (перенос)' }, { start: '2027-11-06', summary: 'Рабочий день (перенос)' });
    const d = derive(ics(feed));
    expect(d.decree).toEqual({ transfers: [{ from: '2027-05-01', to: '2027-05-04' }, { from: '2027-11-06', to: '2027-11-05' }], days_off: [], workdays: [], shortened: [] });
    const p = d.production;
    expect(['2027-05-03', '2027-05-04', '2027-05-10', '2027-11-05', '2027-11-06'].map((x) => p.isWorking(x))).toEqual([true, false, false, false, true]);
    expect(d.notes).toEqual(["the file lists no short days: the rules' short days stay"]);
  });

  test('RRULE: repeating events expanded within the years of the single ones, or of --year', () => {
    // The holidays as yearly events since 2013, the year's own days as single events: 2026 as in ICS_2026.
    const yearly = [
      { start: '2013-01-01', days: 8, summary: 'Новогодние каникулы', rrule: 'FREQ=YEARLY' },
      ...['02-23', '03-08', '05-01', '05-09', '06-12', '11-04'].map((md) => ({ start: `2013-${md}`, summary: 'Праздник', rrule: 'FREQ=YEARLY' })),
    ];
    const single = ICS_2026.filter((e) => ['2026-01-09', '2026-01-10', '2026-03-09', '2026-05-11', '2026-12-31'].includes(e.start) || e.days === 11).map((e) => (e.days === 11 ? { ...e, start: '2026-01-09', days: 3 } : e));
    const pub = readPublished(ics([...yearly, ...single]), 'feed.ics');
    expect(pub.years.map((y) => y.year)).toEqual([2026]);
    expect(differences(derive(ics([...yearly, ...single])).production, listed, 2026)).toEqual([]);
    expect(message(() => readPublished(ics(yearly), 'feed.ics'))).toBe('feed.ics: every event repeats (RRULE): say which year to import with --year');
    const only2027 = readPublished(ics(yearly), 'feed.ics', [2027]);
    expect(only2027.years.map((y) => y.year)).toEqual([2027]);
    expect([...only2027.years[0].off.keys()]).toEqual(['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08', '2027-02-23', '2027-03-08', '2027-05-01', '2027-05-09', '2027-06-12', '2027-11-04']);
  });

  test('an event with a time is refused; an all-day event without DTEND is one day', () => {
    expect(message(() => readPublished(ics([...ICS_2026, { start: '2026-02-24', time: '09:00', summary: 'Планёрка' }]), 'work.ics'))).toBe(
      'work.ics: event "Планёрка" (UID day-10@test) starts at 2026-02-24T09:00:00Z: a day off is an all-day event (DTSTART;VALUE=DATE); events with a time are not days off',
    );
    const one = readPublished(ics([{ start: '2026-02-23', summary: 'День защитника Отечества', noEnd: true }]), 'a.ics');
    expect([...one.years[0].off.keys()]).toEqual(['2026-02-23']);
  });

  test('several VCALENDARs in one file are read together', () => {
    const [a, b] = [ics(ICS_2026.slice(0, 5)), ics(ICS_2026.slice(5))];
    expect(differences(derive(a + b).production, listed, 2026)).toEqual([]);
  });

  test('a day both off and working in one feed is a contradiction', () => {
    expect(message(() => readPublished(ics([{ start: '2026-01-01', days: 3, summary: 'Каникулы' }, { start: '2026-01-03', summary: 'Рабочий день' }]), 'a.ics'))).toBe(
      'a.ics: 2026-01-03 is a day off by event "Каникулы" (UID day-0@test) and a working day by event "Рабочий день" (UID day-1@test)',
    );
  });

  test.each([
    ['Нерабочий день', 'off'],
    ['Выходной (перенос)', 'off'],
    ['Non-working day', 'off'],
    ['Рабочий день (перенос с 4 января)', 'working'],
    ['Working day (transfer)', 'working'],
    ['Сокращённый рабочий день', 'short'],
    ['Предпраздничный день', 'short'],
    ['Short day', 'short'],
  ])('SUMMARY "%s" → %s', (summary, kind) => {
    expect(kindOf(summary)).toBe(kind);
  });
});

describe('against what the data file had', () => {
  test('the same days as its decree: the decree stays (it says where the days off came from), unchanged', () => {
    const plan = planImport(ru, 'ru.yaml', readPublished(ics(ICS_2026), 'feed.ics'));
    expect(plan.years[0]).toMatchObject({ before: 'decree', unchanged: true, againstData: [], decree: ru.decrees['2026'] });
    expect(planImport(ru, 'ru.yaml', readPublished(ics(ICS_2026), 'feed.ics'), { source: 'another' }).years[0]).toMatchObject({ unchanged: false, decree: { ...ru.decrees['2026'], source: 'another' } });
  });

  test('a different decree: the days that change; a move across years in the old one shows in the year it reached', () => {
    // The old 2026 decree moved Sat Jan 3 to Tue Dec 30 2025 (instead of Fri Jan 9): the feed has Jan 9 off and Dec 30 2025 nothing to say.
    const old = { ...ru, decrees: { ...ru.decrees, '2026': { transfers: [{ from: '2026-01-03', to: '2025-12-30' }, { from: '2026-01-04', to: '2026-12-31' }], days_off: [], workdays: [], shortened: [] } } };
    const y = planImport(old, 'ru.yaml', readPublished(ics(ICS_2026), 'feed.ics')).years[0];
    // Dec 31 is off before (moved from Jan 4) and after (a bridge day): no line for it.
    expect(y.againstData).toEqual(['+ 2026-01-09 Fri  day off (made free by the decree)']);
    expect(y.elsewhere).toEqual(['- 2025-12-30 Tue  day off (moved from 2026-01-03) is a working day']);
  });
});

describe('the JSON of calendar show', () => {
  test('round trip: calendar show 2025 --json imported into a file without 2025 gives back the same decree, source included', () => {
    const shown = JSON.stringify(yearTable(loadProduction(ruYaml), 2025), null, 2);
    const plan = planImport(withDecree(ru, 2025, undefined), 'ru.yaml', readPublished(shown, 'show.json'));
    expect(plan.years[0].decree).toEqual(ru.decrees['2025']);
  });

  test('2026 shown from the file that lists it whole becomes a decree with the same days', () => {
    const shown = JSON.stringify(yearTable(listed, 2026));
    const d = derive(shown);
    expect(differences(d.production, listed, 2026)).toEqual([]);
    expect(d.notes).toEqual([]);
  });

  test('a provisional year is refused; JSON of something else too', () => {
    const shown = JSON.stringify(yearTable(loadProduction(ruYaml), 2027));
    expect(message(() => readPublished(shown, 'show.json'))).toBe('show.json: 2027 is provisional there (basis: rules: no decree, computed by the rules alone): importing it would vouch for a guess');
    expect(message(() => readPublished('{"name": "x"}', 'x.json'))).toBe('x.json: JSON, but not what `helpdesk calendar show YEAR --json` prints (an object with year and nonWorking)');
    expect(message(() => readPublished('{"year": 2025,', 'x.json'))).toMatch(/^x\.json: looks like JSON but is not: /);
  });
});

test('a file in none of the formats, whatever its name', () => {
  expect(message(() => readPublished('Date,Holiday\n2025-01-01,New Year\n', 'calendar.xml'))).toBe(
    'calendar.xml: not a calendar this command reads: expected an XML production calendar (<calendar year="YYYY">…), an iCalendar file of days off (BEGIN:VCALENDAR) or the JSON of `helpdesk calendar show YEAR --json`',
  );
  // Told by content: an .ics name holding XML is read as XML.
  expect(readPublished(xml2025(), 'holidays.ics').format).toBe('xml');
});

test('a data file without rules, or a year before them, cannot take a decree', () => {
  expect(listed.data.rules).toBeUndefined();
  expect(message(() => derive(xml2025(), withDecree(listed.data, 2025, undefined)))).toBe("ru.yaml: no rules: a decree is applied on top of a country's rules; set them first (e.g. rules: ru)");
  expect(message(() => derive(xmlFile(xmlCalendar(2012, [['01.01', 1]]))))).toBe('2012 is before 2013, the first year of the rules (Labour Code of the Russian Federation, art. 112 and 95): a decree cannot be applied to it');
});

describe('the data file', () => {
  const decree2025 = ru.decrees['2025'];

  test('comments and the other years are kept: adding 2025 back to ru.yaml without it gives ru.yaml byte for byte', () => {
    const edit = editDataFile(ruYamlWithout(2025), 'ru.yaml', [{ year: 2025, decree: decree2025 }]);
    expect(edit.text).toBe(fs.readFileSync(ruYaml, 'utf8'));
    expect(edit.unlisted).toEqual([]);
  });

  test('a new year goes in year order; an empty decree is {}', () => {
    const text = editDataFile(fs.readFileSync(ruYaml, 'utf8'), 'ru.yaml', [
      { year: 2024, decree: { transfers: [{ from: '2024-01-06', to: '2024-05-10' }], days_off: [], workdays: [], shortened: [] } },
      { year: 2027, decree: { transfers: [], days_off: [], workdays: [], shortened: [] } },
    ]).text;
    expect(Object.keys(dataOf(text).decrees)).toEqual(['2024', '2025', '2026', '2027']);
    expect(text.indexOf('  2024:\n    transfers:\n      - { from: 2024-01-06, to: 2024-05-10 }\n  2025:')).toBeGreaterThan(0);
    expect(text.endsWith('  2027: {}\n')).toBe(true);
    expect(text.startsWith(fs.readFileSync(ruYaml, 'utf8').split('decrees:')[0])).toBe(true); // the header comment
  });

  test('a year listed whole loses its listing; a file without decrees: gets one before years:', () => {
    const withRules = fs.readFileSync(listedYaml, 'utf8').replace('name: ru\n', 'name: ru\nrules: ru\n');
    const edit = editDataFile(withRules, 'listed.yaml', [{ year: 2025, decree: decree2025 }]);
    expect(edit.unlisted).toEqual([2025]);
    const data = dataOf(edit.text);
    expect(Object.keys(data.years)).toEqual(['2026']);
    expect(data.decrees['2025']).toEqual(decree2025);
    expect(edit.text.indexOf('decrees:')).toBeLessThan(edit.text.indexOf('years:'));
    expect(edit.text.startsWith(withRules.split('name: ru')[0])).toBe(true);
    expect(differences(new Production(data), listed, 2025)).toEqual([]);
  });
});
