/**
 * Business time, by hand-computed tables. Moscow is UTC+3 all year (no DST);
 * Berlin switches to summer time on 2026-03-29 and back on 2026-10-25.
 * The Russian production calendar facts (247 working days in 2025 and in 2026)
 * come from the government decrees, not from this code.
 */
import path from 'node:path';
import { addBusinessTime, businessTimeBetween, parseDuration, type Pause } from '../../../src/sla/calendar';
import { buildCalendar, loadProduction } from '../../../src/sla/build';
import { root } from '../../support/env';

const ru = loadProduction(path.join(root, 'config', 'calendars', 'ru.yaml'));
const weekdays = { mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00', thu: '09:00-18:00', fri: '09:00-18:00' };
const msk = buildCalendar({ name: 'msk', time_zone: 'Europe/Moscow', hours: weekdays, production: ru });
const berlin = buildCalendar({ name: 'berlin', time_zone: 'Europe/Berlin', hours: weekdays });
const berlin24 = buildCalendar({ name: 'berlin24', time_zone: 'Europe/Berlin', hours: '24x7' });
const msk24 = buildCalendar({ name: 'msk24', time_zone: 'Europe/Moscow', hours: '24x7', production: ru });

const at = (iso: string) => new Date(iso);
const add = (cal: typeof msk, start: string, d: string, pauses: Pause[] = []) => addBusinessTime(at(start), parseDuration(d, cal), cal, pauses).toISOString();

test.each([
  // [what, start, duration, due] — times in UTC; Moscow = UTC+3
  ['inside hours', '2026-11-17T07:00:00Z', '2h', '2026-11-17T09:00:00.000Z'], // Tue 10:00 → 12:00 MSK
  ['opened at night', '2026-11-17T20:00:00Z', '1h', '2026-11-18T07:00:00.000Z'], // Tue 23:00 → Wed 10:00 MSK
  ['opened early morning', '2026-11-18T03:00:00Z', '30m', '2026-11-18T06:30:00.000Z'], // 06:00 → 09:30 MSK
  ['over the weekend', '2026-11-20T17:00:00Z', '4h', '2026-11-23T10:00:00.000Z'], // Fri 20:00 → Mon 13:00 MSK
  ['opened on Saturday', '2026-11-21T07:00:00Z', '1h', '2026-11-23T07:00:00.000Z'], // Sat → Mon 10:00 MSK
  ['ends exactly at closing: the earliest instant, not the next morning', '2026-11-16T06:00:00Z', '9h', '2026-11-16T15:00:00.000Z'],
  ['2d are 18 counted hours', '2026-11-16T06:00:00Z', '2d', '2026-11-17T15:00:00.000Z'], // Mon 09:00 → Tue 18:00
  ['shortened day, then a holiday', '2026-11-03T13:00:00Z', '2h', '2026-11-05T07:00:00.000Z'], // Tue Nov 3 16:00 (ends 17:00), Nov 4 off → Thu 10:00
  ['the New Year holidays', '2025-12-30T14:00:00Z', '2h', '2026-01-12T07:00:00.000Z'], // Tue Dec 30 17:00, Dec 31 + Jan 1–11 off → Mon 10:00
  ['May holidays after a shortened Apr 30', '2026-04-30T13:00:00Z', '2h', '2026-05-04T07:00:00.000Z'], // Thu 16:00 (ends 17:00), May 1–3 off → Mon 10:00
  ['the working Saturday 2025-11-01 (shortened)', '2025-10-31T14:30:00Z', '1h', '2025-11-01T06:30:00.000Z'], // Fri 17:30 → Sat 09:30
  ['…and the transfer Nov 3 that followed', '2025-11-01T13:30:00Z', '1h', '2025-11-05T06:30:00.000Z'], // Sat 16:30 (ends 17:00), Nov 2–4 off → Wed 09:30
  ['Feb 21–23 2026', '2026-02-20T14:00:00Z', '3h', '2026-02-24T08:00:00.000Z'], // Fri 17:00, Mon 23 off → Tue 11:00
])('%s', (_what, start, d, due) => {
  expect(add(msk, start, d)).toBe(due);
});

test.each([
  ['Berlin, Friday before the spring change (CET → CEST)', '2026-03-27T16:00:00Z', '2h', '2026-03-30T08:00:00.000Z'], // Fri 17:00 CET → Mon 10:00 CEST
  ['Berlin, over the autumn change (CEST → CET)', '2026-10-23T15:00:00Z', '2h', '2026-10-26T09:00:00.000Z'], // Fri 17:00 CEST → Mon 10:00 CET
])('%s', (_what, start, d, due) => {
  expect(add(berlin, start, d)).toBe(due);
});

test('24x7 counts elapsed time, holidays and DST nights included', () => {
  expect(add(msk24, '2026-12-31T20:00:00Z', '8h')).toBe('2027-01-01T04:00:00.000Z');
  expect(add(berlin24, '2026-03-28T12:00:00Z', '1d')).toBe('2026-03-29T12:00:00.000Z'); // 24 real hours, though the local day had 23
  expect(businessTimeBetween(at('2026-03-29T00:00:00Z'), at('2026-03-30T00:00:00Z'), berlin24)).toBe(1440);
  expect(msk24.dayMinutes).toBe(1440);
});

test('pauses are not counted, across nights and holidays', () => {
  // Opened Tue 2026-11-03 10:00 MSK with 8h; paused from 12:00 that day to Thu Nov 5 11:00 (a night, the Nov 4 holiday, a night).
  const pause: Pause = [Date.parse('2026-11-03T09:00:00Z'), Date.parse('2026-11-05T08:00:00Z')];
  // Counted: Nov 3 10:00–12:00 = 2h; Nov 5 11:00–18:00 = 7h → 8h reached at Nov 5 17:00.
  expect(add(msk, '2026-11-03T07:00:00Z', '8h', [pause])).toBe('2026-11-05T14:00:00.000Z');
  expect(businessTimeBetween(at('2026-11-03T07:00:00Z'), at('2026-11-05T14:00:00Z'), msk, [pause])).toBe(480);
  // On 24x7: 1h before the pause, then the rest after it.
  expect(add(msk24, '2026-11-03T08:00:00Z', '3h', [pause])).toBe('2026-11-05T10:00:00.000Z');
  // An open pause stops the clock for good.
  expect(() => addBusinessTime(at('2026-11-03T07:00:00Z'), 600, msk, [[Date.parse('2026-11-03T08:00:00Z'), Infinity]])).toThrow(/no working time/);
});

test.each([
  [2025, 247],
  [2026, 247],
])('the production calendar %i has %i working days (official figure)', (year, days) => {
  let count = 0;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    if (businessTimeBetween(new Date(t - 3 * 3_600_000), new Date(t + 21 * 3_600_000), msk) > 0) count++;
  }
  expect(count).toBe(days);
  // …and 247 × 9 h less one hour on each of the 4 shortened days
  expect(businessTimeBetween(at(`${year - 1}-12-31T21:00:00Z`), at(`${year}-12-31T21:00:00Z`), msk)).toBe((days * 9 - 4) * 60);
});

test('durations', () => {
  expect(parseDuration('30m', msk)).toBe(30);
  expect(parseDuration('4h', msk)).toBe(240);
  expect(parseDuration('2d', msk)).toBe(1080);
  expect(parseDuration('1d', msk24)).toBe(1440);
  expect(parseDuration(45, msk)).toBe(45);
  expect(() => parseDuration('2 weeks', msk)).toThrow(/bad duration "2 weeks"/);
  expect(() => buildCalendar({ name: 'x', time_zone: 'UTC', hours: { mon: '18:00-09:00' } })).toThrow(/x.mon: bad hours/);
});

describe('properties (seeded random cases)', () => {
  // mulberry32: a small deterministic PRNG, so a failure can be replayed.
  let seed = 20261122;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const cases = Array.from({ length: 300 }, () => ({
    start: new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 700 * 24 * 60) * 60_000),
    d1: Math.floor(rand() * 5000),
    d2: Math.floor(rand() * 5000),
    cal: [msk, berlin, msk24, berlin24][Math.floor(rand() * 4)],
  }));

  test('businessTimeBetween(s, addBusinessTime(s, d)) == d', () => {
    for (const c of cases) expect([c.cal.name, c.start.toISOString(), c.d1, businessTimeBetween(c.start, addBusinessTime(c.start, c.d1, c.cal), c.cal)]).toEqual([c.cal.name, c.start.toISOString(), c.d1, c.d1]);
  });

  test('monotonic in the duration, and never earlier than the start', () => {
    for (const c of cases) {
      const [lo, hi] = c.d1 <= c.d2 ? [c.d1, c.d2] : [c.d2, c.d1];
      expect(addBusinessTime(c.start, lo, c.cal).getTime()).toBeLessThanOrEqual(addBusinessTime(c.start, hi, c.cal).getTime());
      expect(addBusinessTime(c.start, lo, c.cal).getTime()).toBeGreaterThanOrEqual(c.start.getTime());
    }
  });

  test('the earliest instant: one millisecond less would not reach the duration', () => {
    for (const c of cases.filter((x) => x.d1 > 0)) {
      const due = addBusinessTime(c.start, c.d1, c.cal);
      expect(businessTimeBetween(c.start, new Date(due.getTime() - 1), c.cal)).toBeLessThan(c.d1);
    }
  });
});

test('provisional years: those the deadline was counted through that no decree vouches for', async () => {
  const { provisionalYears } = await import('../../../src/sla/calendar');
  expect(provisionalYears(msk, at('2026-06-01T12:00:00Z'), at('2026-12-30T12:00:00Z'))).toEqual([]);
  expect(provisionalYears(msk, at('2026-12-30T12:00:00Z'), at('2027-01-11T12:00:00Z'))).toEqual([2027]);
  expect(provisionalYears(msk, at('2026-12-31T20:59:00Z'), at('2026-12-31T20:59:30Z'))).toEqual([]); // still 2026 in Moscow
  expect(provisionalYears(msk, at('2026-12-31T21:00:00Z'), at('2026-12-31T21:30:00Z'))).toEqual([2027]); // 1 January in Moscow
  expect(provisionalYears(msk, at('2027-03-01T12:00:00Z'), at('2028-03-01T12:00:00Z'))).toEqual([2027, 2028]);
  expect(provisionalYears(msk24, at('2027-03-01T12:00:00Z'), at('2027-03-02T12:00:00Z'))).toEqual([]);
  expect(provisionalYears(berlin, at('2027-03-01T12:00:00Z'), at('2027-03-02T12:00:00Z'))).toEqual([]);
});
