/**
 * `helpdesk sla due` across the change of year and in 2027, a year with no
 * decree in config/calendars/ru.yaml (counted by the Labour Code rules alone:
 * provisional). Example config: extended on msk-workdays 09:00–18:00 Moscow
 * (high: reaction 2 h, resolution 16 h; medium: 4 h and 10 d = 90 h), premium on 24x7.
 * Days by hand: 30 Apr 2027 Fri is short (until 17:00: 1 May is a holiday);
 * 1 May Sat → its day off moves to Mon 3 May; 9 May Sun → Mon 10 May.
 * 31 Dec 2026 is off (2026 decree), 1–8 Jan 2027 holidays, 9–10 Jan weekend,
 * Mon 11 Jan 2027 the first working day. No holiday in Nov 5 – Dec 30 2026.
 */
import path from 'node:path';
import { main } from '../../src/cli';
import { root } from '../support/env';

const config = path.join(root, 'config', 'helpdesk.example.yaml');

async function due(args: string[], json = true) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'helpdesk', 'sla', 'due', '--config', config, ...(json ? ['--json'] : []), ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    stdin: async () => Buffer.alloc(0),
  });
  return { code, out: out.join('\n'), json: json && out.length ? JSON.parse(out.join('')) : null, err: err.join('\n') };
}

test('(i) the issue\'s example: extended × high opened Fri 30 Apr 2027 16:30 — over the May holidays, provisional 2027', async () => {
  const args = ['--plan', 'extended', '--severity', 'high', '--opened', '2027-04-30T16:30:00+03:00'];
  const r = await due(args);
  expect(r).toMatchObject({ code: 0, err: '' });
  // Reaction 2 h: 30 min on the short Friday (16:30–17:00), 1–3 May off, 1.5 h from Tue 4 May 09:00 → 10:30.
  // Resolution 16 h: 0.5 h on 30 Apr, 9 h on 4 May (9.5), 6.5 h on Wed 5 May → 15:30.
  expect(r.json).toEqual({ reactionDue: '2027-05-04T10:30:00+03:00', resolutionDue: '2027-05-05T15:30:00+03:00', provisional: true, provisionalYears: [2027] });
  const text = await due(args, false);
  expect(text.code).toBe(0);
  expect(text.out).toContain('reaction due 2027-05-04T10:30:00+03:00');
  expect(text.out).toContain('provisional');
  expect(text.out).toContain('2027');
});

test.each([
  // Mon 30 Nov 2026 10:00: reaction 14:00; resolution 90 h: 8 h on 30 Nov, 1–4 Dec 36 h (44), 7–11 Dec 45 h (89), 1 h on Mon 14 Dec → 10:00.
  ['extended', 'medium', '2026-11-30T10:00:00+03:00', '2026-11-30T14:00:00+03:00', '2026-12-14T10:00:00+03:00'],
  // Tue 29 Dec 2026 10:00: reaction 12:00; resolution 16 h: 8 h on 29 Dec, 8 h on Wed 30 Dec → 17:00 — the last working day of 2026.
  ['extended', 'high', '2026-12-29T10:00:00+03:00', '2026-12-29T12:00:00+03:00', '2026-12-30T17:00:00+03:00'],
  // 24x7 counts elapsed time and has no production calendar: never provisional, even in 2027 (30 min and 4 h).
  ['premium', 'high', '2027-04-30T16:30:00+03:00', '2027-04-30T17:00:00+03:00', '2027-04-30T20:30:00+03:00'],
])('(ii) %s × %s opened %s: deadlines within decreed years (or 24x7) are not provisional', async (plan, severity, opened, reactionDue, resolutionDue) => {
  const r = await due(['--plan', plan, '--severity', severity, '--opened', opened]);
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.json).toEqual({ reactionDue, resolutionDue, provisional: false, provisionalYears: [] });
  const text = await due(['--plan', plan, '--severity', severity, '--opened', opened], false);
  expect(text.out).not.toContain('provisional');
});

test.each([
  // Wed 30 Dec 2026 10:00: reaction 12:00 (still 2026); resolution 16 h: 8 h on 30 Dec, then Mon 11 Jan 2027 09:00 + 8 h → 17:00.
  ['extended', 'high', '2026-12-30T10:00:00+03:00', '2026-12-30T12:00:00+03:00', '2027-01-11T17:00:00+03:00'],
  // Wed 30 Dec 2026 16:00: reaction 2 h on 30 Dec + 2 h → Mon 11 Jan 11:00; resolution 90 h: 2 h, 11–15 Jan 45 h (47), 18–21 Jan 36 h (83), 7 h → Fri 22 Jan 16:00.
  ['extended', 'medium', '2026-12-30T16:00:00+03:00', '2027-01-11T11:00:00+03:00', '2027-01-22T16:00:00+03:00'],
])('(iii) %s × %s opened %s: a deadline counted into January 2027 is provisional', async (plan, severity, opened, reactionDue, resolutionDue) => {
  const r = await due(['--plan', plan, '--severity', severity, '--opened', opened]);
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.json).toEqual({ reactionDue, resolutionDue, provisional: true, provisionalYears: [2027] });
  const text = await due(['--plan', plan, '--severity', severity, '--opened', opened], false);
  expect(text.out).toMatch(/provisional: 2027 /);
});

test('(iii) a pause over New Year is not counted: --paused 30 Dec 2026 11:00 – 13 Jan 2027 12:00', async () => {
  // extended × medium opened Wed 30 Dec 2026 10:00; 1 h counted before the pause.
  // Reaction: 3 h more from Wed 13 Jan 12:00 → 15:00.
  // Resolution: 89 h more: 6 h on 13 Jan; 14, 15, 18–22, 25, 26 Jan 81 h (88 in all); 2 h on Wed 27 Jan → 11:00.
  const r = await due(['--plan', 'extended', '--severity', 'medium', '--opened', '2026-12-30T10:00:00+03:00', '--paused', '2026-12-30T11:00:00+03:00/2027-01-13T12:00:00+03:00']);
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.json).toEqual({ reactionDue: '2027-01-13T15:00:00+03:00', resolutionDue: '2027-01-27T11:00:00+03:00', provisional: true, provisionalYears: [2027] });
});
