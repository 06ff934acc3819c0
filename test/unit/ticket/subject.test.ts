import { stripReplyPrefixes, tagSubject } from '../../../src/ticket/subject';

const N = 'SUP-2026-000042';

test.each([
  ['Не работает вход', `[${N}] Не работает вход`],
  ['Re: Не работает вход', `[${N}] Не работает вход`],
  ['RE: Fwd: AW: problem', `[${N}] problem`],
  ['Ответ: На: проблема', `[${N}] проблема`],
  [`Re: [${N}] Re: problem`, `[${N}] problem`],
  [`[${N}] problem`, `[${N}] problem`],
  [`problem [${N}]`, `[${N}] problem`],
  ['', `[${N}] (no subject)`],
  ['Re:', `[${N}] (no subject)`],
  ['Reply needed: access', `[${N}] Reply needed: access`],
])('tagSubject(%j)', (subject, expected) => {
  expect(tagSubject(subject, N, '(no subject)')).toBe(expected);
});

test('another request number in the subject is kept', () => {
  expect(tagSubject('[SUP-2026-000007] old one', N, '-')).toBe(`[${N}] [SUP-2026-000007] old one`);
});

test('stripReplyPrefixes handles counted prefixes', () => {
  expect(stripReplyPrefixes('Re[2]: Re: x')).toBe('x');
  expect(stripReplyPrefixes('Recall: x')).toBe('Recall: x');
});
