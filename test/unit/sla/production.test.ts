/**
 * The production calendar: Russia's rules (Labour Code art. 112 and 95) over
 * every weekday pattern a year can have, the decrees on top, and the data
 * file's checks. Hand-computed years: 2027 and 2028 (rules alone).
 */
import path from 'node:path';
import { addDays, datesOf, weekday } from '../../../src/sla/production/dates';
import { loadProductionData, parseProductionData, ProductionDataError } from '../../../src/sla/production/data';
import { ru } from '../../../src/sla/production/ru';
import { Production } from '../../../src/sla/production/year';
import { root } from '../../support/env';

const data = loadProductionData(path.join(root, 'config', 'calendars', 'ru.yaml'));
const generated = new Production(data);
const rulesOnly = new Production({ ...data, decrees: {} });
/** 2025 and 2026 as the data file listed them whole before the rules existed. */
const listed = new Production(loadProductionData(path.join(root, 'test', 'fixtures', 'calendars', 'ru-2025-2026-listed.yaml')));

const isWeekend = (d: string) => weekday(d) >= 6;
const offWeekdays = (p: Production, y: number) => [...datesOf(y)].filter((d) => !isWeekend(d) && !p.isWorking(d));
const workingWeekends = (p: Production, y: number) => [...datesOf(y)].filter((d) => isWeekend(d) && p.isWorking(d));
const shortDays = (p: Production, y: number) => [...datesOf(y)].filter((d) => p.isWorking(d) && p.year(y).shortened.has(d));

test.each([2025, 2026])('%i: the rules plus its decree equal the year as it was listed, date by date', (y) => {
  expect(generated.year(y)).toMatchObject({ basis: 'decree', provisional: false });
  expect(listed.year(y)).toMatchObject({ basis: 'listed', provisional: false });
  for (const d of datesOf(y)) expect([d, generated.isWorking(d), generated.isWorking(d) && generated.year(y).shortened.has(d)]).toEqual([d, listed.isWorking(d), listed.isWorking(d) && listed.year(y).shortened.has(d)]);
  expect(offWeekdays(generated, y)).toEqual(offWeekdays(listed, y));
  expect(workingWeekends(generated, y)).toEqual(workingWeekends(listed, y));
  expect(shortDays(generated, y)).toEqual(shortDays(listed, y));
});

test('2025 reads as the decree says: each day off moved from where it came', () => {
  const y = generated.year(2025);
  expect([...y.off].filter(([, o]) => o.reason === 'decree')).toEqual([
    ['2025-05-02', { reason: 'decree', from: '2025-01-04' }],
    ['2025-05-08', { reason: 'decree', from: '2025-02-23' }],
    ['2025-06-13', { reason: 'decree', from: '2025-03-08' }],
    ['2025-11-03', { reason: 'decree', from: '2025-11-01' }],
    ['2025-12-31', { reason: 'decree', from: '2025-01-05' }],
  ]);
  // 23 Feb and 8 Mar fell on a weekend; the decree sent their days off to May and June, so the law's move (24 Feb, 10 Mar) does not happen.
  expect(generated.isWorking('2025-02-24')).toBe(true);
  expect(generated.isWorking('2025-03-10')).toBe(true);
  expect(rulesOnly.isWorking('2025-02-24')).toBe(false);
  expect(rulesOnly.year(2025).off.get('2025-03-10')).toEqual({ reason: 'moved', from: '2025-03-08', holiday: "International Women's Day", local: 'Международный женский день' });
  expect([...y.workdays]).toEqual([['2025-11-01', { to: '2025-11-03' }]]);
  // The working Saturday stands in for Monday 3 November, the eve of 4 November: short by the rules, as the official table has it.
  expect(y.shortened.get('2025-11-01')).toEqual({ reason: 'rule', before: '2025-11-04', for: '2025-11-03' });
  expect(y.source).toBe('Постановление Правительства РФ от 04.10.2024 № 1335');
});

test.each([
  // Hand-computed. 2027: 1 Jan is a Friday; 261 weekdays; off on weekdays: 1, 4–8 Jan, 23 Feb, 8 Mar, 3 May (for Sat 1 May),
  // 10 May (for Sun 9 May), 14 Jun (for Sat 12 Jun), 4 Nov = 12 → 249 days; short: the working days before 23 Feb, 1 May, 12 Jun, 4 Nov, 1 Jan 2028.
  [2027, ['2027-01-01', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08', '2027-02-23', '2027-03-08', '2027-05-03', '2027-05-10', '2027-06-14', '2027-11-04'], ['2027-02-22', '2027-04-30', '2027-06-11', '2027-11-03', '2027-12-31'], 249],
  // 2028 (leap, 1 Jan a Saturday): 260 weekdays; off: 3–7 Jan, 23 Feb, 8 Mar, 1 May, 9 May, 12 Jun, 6 Nov (for Sat 4 Nov) = 11 → 249;
  // short: 22 Feb, 7 Mar, 8 May, 3 Nov (Fri before Sat 4 Nov). Fri 28 Apr is not: the next day (Sat 29 Apr) is no holiday.
  [2028, ['2028-01-03', '2028-01-04', '2028-01-05', '2028-01-06', '2028-01-07', '2028-02-23', '2028-03-08', '2028-05-01', '2028-05-09', '2028-06-12', '2028-11-06'], ['2028-02-22', '2028-03-07', '2028-05-08', '2028-11-03'], 249],
])('%i by the rules alone (hand-computed), provisional', (y, off, short, days) => {
  expect(generated.year(y)).toMatchObject({ basis: 'rules', provisional: true });
  expect(offWeekdays(generated, y)).toEqual(off);
  expect(shortDays(generated, y)).toEqual(short);
  expect([...datesOf(y)].filter((d) => generated.isWorking(d))).toHaveLength(days);
  expect(workingWeekends(generated, y)).toEqual([]);
});

describe('every weekday pattern of a year: 28 years, 2027–2054', () => {
  const years = Array.from({ length: 28 }, (_, i) => 2027 + i);
  const leap = (y: number) => new Date(Date.UTC(y, 1, 29)).getUTCDate() === 29;

  test('the cycle holds all 14 kinds of year (weekday of 1 January × leap or not)', () => {
    expect(new Set(years.map((y) => `${weekday(`${y}-01-01`)}${leap(y)}`)).size).toBe(14);
  });

  test.each(years)('%i: holidays off; a weekend holiday (not January) moves to the next free weekday; short days are the working eves of holidays', (y) => {
    const year = rulesOnly.year(y);
    const holidays = ru.holidays(y);
    const holidayDates = new Set([...holidays, ...ru.holidays(y + 1)].map((h) => h.date));
    for (const h of holidays) expect([h.date, year.off.get(h.date)?.reason]).toEqual([h.date, 'holiday']);
    const moved = [...year.off].filter(([, o]) => o.reason === 'moved');
    const mustMove = holidays.filter((h) => h.date.slice(5, 7) !== '01' && isWeekend(h.date));
    expect(mustMove.every((h) => h.movesOffWeekend)).toBe(true);
    expect(holidays.filter((h) => h.date.slice(5, 7) === '01').every((h) => !h.movesOffWeekend)).toBe(true);
    // One moved day per weekend holiday outside January, after it, on a weekday; every weekday in between is a holiday or another move.
    expect(moved.map(([, o]) => (o as { from: string }).from).sort()).toEqual(mustMove.map((h) => h.date).sort());
    const targets = new Set(moved.map(([d]) => d));
    for (const [target, o] of moved) {
      const from = (o as { from: string }).from;
      expect(target > from && !isWeekend(target) && !holidayDates.has(target)).toBe(true);
      for (let d = addDays(from, 1); d < target; d = addDays(d, 1)) expect(isWeekend(d) || holidayDates.has(d) || targets.has(d)).toBe(true);
    }
    // Art. 95: short exactly when working and the next calendar day is a holiday.
    for (const d of datesOf(y)) expect([d, year.shortened.has(d)]).toEqual([d, rulesOnly.isWorking(d) && holidayDates.has(addDays(d, 1))]);
    // Working days = weekdays − holidays on weekdays − moved days.
    const weekdays = [...datesOf(y)].filter((d) => !isWeekend(d)).length;
    const weekdayHolidays = holidays.filter((h) => !isWeekend(h.date)).length;
    expect([...datesOf(y)].filter((d) => rulesOnly.isWorking(d)).length).toBe(weekdays - weekdayHolidays - moved.length);
  });
});

test('a decree on top of a provisional year: its transfers, bridge days and extra short days apply, and the year is no longer provisional', () => {
  const p = new Production({
    ...data,
    decrees: {
      ...data.decrees,
      2027: { source: 'test decree', transfers: [{ from: '2027-01-02', to: '2027-05-04' }, { from: '2027-06-12', to: '2027-06-18' }, { from: '2027-11-06', to: '2027-11-05' }], days_off: ['2027-12-30'], workdays: ['2027-12-25'], shortened: ['2027-11-06'] },
    },
  });
  const y = p.year(2027);
  expect(y).toMatchObject({ basis: 'decree', provisional: false, source: 'test decree' });
  expect(y.off.get('2027-05-04')).toEqual({ reason: 'decree', from: '2027-01-02' });
  expect(p.isWorking('2027-06-14')).toBe(true); // Russia Day's day off went to 18 June instead of the law's 14 June
  expect(p.isWorking('2027-06-18')).toBe(false);
  expect(p.isWorking('2027-11-06')).toBe(true); // a working Saturday…
  expect(y.workdays.get('2027-11-06')).toEqual({ to: '2027-11-05' });
  expect(y.shortened.get('2027-11-06')).toEqual({ reason: 'decree' }); // …one hour shorter
  expect(p.isWorking('2027-12-30')).toBe(false);
  expect(p.isWorking('2027-12-25')).toBe(true);
  // A working day moved off before a holiday is no longer an eve: Thu 4 Nov is the holiday, Fri 5 Nov is off, Wed 3 Nov stays short.
  expect(y.shortened.get('2027-11-03')).toEqual({ reason: 'rule', before: '2027-11-04' });
});

test('a whole year listed in the data file wins over the rules; listing a year that also has a decree is refused', () => {
  const p = new Production({ ...data, years: { 2027: { holidays: ['2027-01-01'], workdays: [], shortened: [] } } });
  expect(p.year(2027)).toMatchObject({ basis: 'listed', provisional: false });
  expect(p.isWorking('2027-01-04')).toBe(true);
  expect(p.isWorking('2027-01-01')).toBe(false);
  expect(() => new Production({ ...data, years: { 2026: { holidays: ['2026-01-01'], workdays: [], shortened: [] } } }, 'ru.yaml')).toThrow('ru.yaml: decrees.2026: 2026 is also listed whole under years.2026, which wins: keep one of them');
});

test('a data file without rules knows only what it lists: other years have weekends only, and are provisional', () => {
  const p = new Production(loadProductionData(path.join(root, 'test', 'fixtures', 'calendars', 'ru-2025-2026-listed.yaml')));
  expect(p.year(2027)).toMatchObject({ basis: 'none', provisional: true });
  expect(p.isWorking('2027-01-04')).toBe(true);
});

test.each([
  [{ transfers: [{ from: '2027-01-11', to: '2027-05-04' }] }, 'decrees.2027.transfers[0].from: 2027-01-11 is not a weekend day'],
  [{ transfers: [{ from: '2027-01-02', to: '2027-05-08' }] }, 'decrees.2027.transfers[0].to: 2027-05-08 is not a working weekday'],
  [{ transfers: [{ from: '2027-01-02', to: '2027-02-23' }] }, 'decrees.2027.transfers[0].to: 2027-02-23 is not a working weekday'],
  [{ transfers: [{ from: '2027-01-02', to: '2027-05-04' }, { from: '2027-01-03', to: '2027-05-04' }] }, 'decrees.2027.transfers[1].to: 2027-05-04 is already the day off of 2027-01-02 (decrees.2027)'],
  [{ days_off: ['2027-05-08'] }, 'decrees.2027.days_off[0]: 2027-05-08 is not a working weekday'],
  [{ days_off: ['2028-05-04'] }, 'decrees.2027.days_off[0]: 2028-05-04 is not in 2027'],
  [{ workdays: ['2027-05-04'] }, 'decrees.2027.workdays[0]: 2027-05-04 is not a weekend day that could be made working'],
  [{ shortened: ['2027-05-01'] }, 'decrees.2027.shortened[0]: 2027-05-01 is not a working day'],
])('a decree that cannot be: %j → a clear error', (decree, message) => {
  const d = { transfers: [], days_off: [], workdays: [], shortened: [], ...decree };
  expect(() => new Production({ ...data, decrees: { 2027: d } }, 'ru.yaml')).toThrow(`ru.yaml: ${message}`);
});

test.each([
  [{ name: 'ru', rules: 'ru', decrees: { 2027: { transfers: [{ from: '2027-02-30', to: '2027-05-04' }] } } }, 'f.yaml: decrees.2027.transfers.0.from: not a date (YYYY-MM-DD)'],
  [{ name: 'ru', decrees: { 27: {} } }, 'f.yaml: decrees.27'],
  [{ name: 'ru', decrees: { 2027: { bridges: [] } } }, 'f.yaml: decrees.2027: Unrecognized key: "bridges"'],
])('a data file that does not parse names the key: %j', (raw, message) => {
  expect(() => parseProductionData(raw, 'f.yaml')).toThrow(ProductionDataError);
  expect(() => parseProductionData(raw, 'f.yaml')).toThrow(message);
});

test('unknown rules and decrees without rules are refused', () => {
  expect(() => new Production(parseProductionData({ name: 'x', rules: 'xx' }, 'x.yaml'), 'x.yaml')).toThrow('x.yaml: rules: no rules for country "xx" (known: ru)');
  expect(() => new Production(parseProductionData({ name: 'x', decrees: { 2027: {} } }, 'x.yaml'), 'x.yaml')).toThrow('set rules (e.g. rules: ru)');
});

test.each([
  // Found by review: each of these was accepted and changed the count of working days silently.
  [{ 2027: { transfers: [{ from: '2027-01-02', to: '2027-12-31' }, { from: '2027-01-02', to: '2027-12-30' }] } }, 'decrees.2027.transfers[1].from: 2027-01-02 is already moved by decrees.2027'],
  [{ 2026: { transfers: [{ from: '2027-01-02', to: '2026-12-30' }] }, 2027: { transfers: [{ from: '2027-01-02', to: '2027-12-31' }] } }, 'decrees.2027.transfers[0].from: 2027-01-02 is already moved by decrees.2026'],
  [{ 2027: { transfers: [{ from: '2027-01-02', to: '2027-12-31' }], days_off: ['2027-12-31'] } }, 'decrees.2027.days_off[0]: 2027-12-31 is already the day off of 2027-01-02 (decrees.2027)'],
  [{ 2027: { days_off: ['2027-05-03'] } }, 'decrees.2027.days_off[0]: 2027-05-03 is already the day off the law moves a weekend holiday to'],
  [{ 2027: { transfers: [{ from: '2027-01-02', to: '2027-05-03' }] } }, 'decrees.2027.transfers[0].to: 2027-05-03 is already the day off the law moves a weekend holiday to'],
  [{ 2012: { transfers: [{ from: '2012-01-07', to: '2012-01-09' }] } }, 'decrees.2012: 2012 is before 2013, the first year of the ru rules: list such a year whole under years:'],
])('decree mistakes that would change the count are refused: %j', (decrees, message) => {
  const full = Object.fromEntries(Object.entries(decrees).map(([k, d]) => [k, { transfers: [], days_off: [], workdays: [], shortened: [], ...d }]));
  expect(() => new Production({ ...data, decrees: full }, 'ru.yaml')).toThrow(`ru.yaml: ${message}`);
});

test('a listed year is checked too; a bare year key is a decree with nothing to add; the year key must be a year', () => {
  const listing = (y: object) => new Production({ ...data, decrees: {}, years: { 2027: { holidays: [], workdays: [], shortened: [], ...y } } }, 'ru.yaml');
  expect(() => listing({ holidays: ['2028-05-02'] })).toThrow('ru.yaml: years.2027.holidays[0]: 2028-05-02 is not in 2027');
  expect(() => listing({ workdays: ['2027-05-04'] })).toThrow('ru.yaml: years.2027.workdays[0]: 2027-05-04 is not a weekend day');
  expect(() => listing({ shortened: ['2027-05-08'] })).toThrow('ru.yaml: years.2027.shortened[0]: 2027-05-08 is not a working day');
  const bare = parseProductionData({ name: 'ru', rules: 'ru', decrees: { 2027: null } }, 'f.yaml');
  expect(new Production(bare).year(2027)).toMatchObject({ basis: 'decree', provisional: false });
  expect(() => parseProductionData({ name: 'ru', decrees: { 27: {} } }, 'f.yaml')).toThrow('f.yaml: decrees.27: "27" is not a year (YYYY)');
  expect(() => parseProductionData({ name: 'ru', shortened_by_minutes: 600 }, 'f.yaml')).toThrow('f.yaml: shortened_by_minutes');
});

test('the rules shorten a Saturday made working in the place of a holiday\'s eve, and only such a one', () => {
  // 2027, a made-up decree: Sat 30 Oct works in the place of Wed 3 Nov, the eve of 4 Nov: short.
  // Sat 24 Apr works for Mon 26 Apr, whose next day is no holiday: a full day.
  const p = new Production({ ...data, decrees: { 2027: { transfers: [{ from: '2027-10-30', to: '2027-11-03' }, { from: '2027-04-24', to: '2027-04-26' }], days_off: [], workdays: [], shortened: [] } } });
  expect(p.year(2027).shortened.get('2027-10-30')).toEqual({ reason: 'rule', before: '2027-11-04', for: '2027-11-03' });
  expect(p.isWorking('2027-04-24')).toBe(true);
  expect(p.year(2027).shortened.has('2027-04-24')).toBe(false);
});
