import { createNumbering, numberInSubject } from '../../../src/ticket/numbering';

const def = createNumbering({ format: 'SUP-{year}-{seq:6}', yearlyReset: true, timeZone: 'Europe/Moscow' });

test('the default format', () => {
  expect(def.format('2026', 42)).toBe('SUP-2026-000042');
  expect(def.format('2026', 1234567)).toBe('SUP-2026-1234567'); // widened, never truncated
});

test('the year is the year of arrival in the numbering time zone', () => {
  // 21:30 UTC on 31 Dec is already 00:30 on 1 Jan in Moscow (UTC+3)
  expect(def.scopeFor(new Date('2025-12-31T21:30:00Z'))).toBe('2026');
  expect(def.scopeFor(new Date('2025-12-31T20:59:00Z'))).toBe('2025');
  const ny = createNumbering({ format: 'SUP-{year}-{seq:6}', yearlyReset: true, timeZone: 'America/New_York' });
  expect(ny.scopeFor(new Date('2026-01-01T03:00:00Z'))).toBe('2025');
});

test('without a year and without a yearly reset there is one sequence', () => {
  const n = createNumbering({ format: 'HD{seq:5}', yearlyReset: false, timeZone: 'UTC' });
  expect(n.scopeFor(new Date('2026-05-01T00:00:00Z'))).toBe('all');
  expect(n.scopeFor(new Date('2031-05-01T00:00:00Z'))).toBe('all');
  expect(n.format('all', 7)).toBe('HD00007');
});

test('bad sequences are refused', () => {
  expect(() => def.format('2026', 0)).toThrow(/bad sequence/);
  expect(() => createNumbering({ format: 'SUP-{year}', yearlyReset: true, timeZone: 'UTC' })).toThrow(/no \{seq\}/);
});

test.each([
  ['Re: [SUP-2026-000042] Не работает вход', 'SUP-2026-000042'],
  ['[sup-2026-000042] lower case', 'SUP-2026-000042'],
  ['AW: Fwd: [ SUP-2026-000042 ] spaced', 'SUP-2026-000042'],
  ['SUP-2026-000042 without brackets', null],
  ['[SUP-2026-00042] too short', null],
  ['[XSUP-2026-000042] other prefix', null],
  ['[Ticket#1234] other system', null],
  ['', null],
])('numberInSubject(%j) = %j', (subject, expected) => {
  expect(numberInSubject(subject, def)).toBe(expected);
});

test('the pattern of a custom format escapes its literal characters', () => {
  const n = createNumbering({ format: 'REQ.{seq:4}', yearlyReset: false, timeZone: 'UTC' });
  expect(numberInSubject('[REQ.0012] x', n)).toBe('REQ.0012');
  expect(numberInSubject('[REQX0012] x', n)).toBeNull();
});

test('a yearly reset without {year} is refused, since the first number of every year would repeat (issue 11, class 7)', () => {
  expect(() => createNumbering({ format: 'SUP-{seq:6}', yearlyReset: true, timeZone: 'Europe/Moscow' })).toThrow(/no \{year\} but restarts every year/);
});

test('across midnight of 31 December in the numbering time zone: one sequence without a reset, a new year\'s with one', () => {
  const at = [new Date('2026-12-31T20:59:59Z'), new Date('2026-12-31T21:00:00Z')]; // 23:59:59 and 00:00:00 in Moscow
  const flat = createNumbering({ format: 'REQ-{seq:5}', yearlyReset: false, timeZone: 'Europe/Moscow' });
  expect(at.map((t) => flat.scopeFor(t))).toEqual(['all', 'all']);
  expect(at.map((t) => def.scopeFor(t))).toEqual(['2026', '2027']);
  expect(def.format(def.scopeFor(at[1]), 1)).toBe('SUP-2027-000001');
});
