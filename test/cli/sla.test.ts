/**
 * `helpdesk sla due` on the example config: every plan × severity of the
 * presets, for a request opened on Tuesday 2026-11-17 at 10:00 Moscow time.
 * Expected deadlines computed by hand from the regulations' tables
 * (24x7 for premium, business and digit p1; Moscow working days 09:00–18:00
 * otherwise, "d" = working days of 9 h; no holidays between Nov 17 and Dec 8 2026).
 */
import path from 'node:path';
import { main } from '../../src/cli';
import { root } from '../support/env';

const config = path.join(root, 'config', 'helpdesk.example.yaml');

async function due(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'helpdesk', 'sla', 'due', '--config', config, '--json', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    stdin: async () => Buffer.alloc(0),
  });
  return { code, json: out.length ? JSON.parse(out.join('')) : null, err: err.join('\n') };
}

const OPENED = '2026-11-17T10:00:00+03:00';

test.each([
  ['premium', 'critical', '2026-11-17T10:20:00+03:00', '2026-11-17T13:00:00+03:00'],
  ['premium', 'high', '2026-11-17T10:30:00+03:00', '2026-11-17T14:00:00+03:00'],
  ['premium', 'medium', '2026-11-17T12:00:00+03:00', '2026-11-18T18:00:00+03:00'], // 32 h elapsed
  ['business', 'critical', '2026-11-17T10:30:00+03:00', '2026-11-17T14:00:00+03:00'],
  ['business', 'high', '2026-11-17T11:00:00+03:00', '2026-11-17T16:00:00+03:00'],
  ['business', 'medium', '2026-11-17T12:00:00+03:00', '2026-11-18T18:00:00+03:00'],
  ['extended', 'critical', '2026-11-17T10:30:00+03:00', '2026-11-17T14:00:00+03:00'],
  ['extended', 'high', '2026-11-17T12:00:00+03:00', '2026-11-18T17:00:00+03:00'], // 16 h: 8 on Tue + 8 on Wed
  ['extended', 'medium', '2026-11-17T14:00:00+03:00', '2026-12-01T10:00:00+03:00'], // 10 d = 90 h
  ['standard', 'critical', '2026-11-17T12:00:00+03:00', '2026-11-19T10:00:00+03:00'], // 2 d = 18 h
  ['standard', 'high', '2026-11-17T14:00:00+03:00', '2026-11-27T10:00:00+03:00'], // 8 d = 72 h
  ['standard', 'medium', '2026-11-17T18:00:00+03:00', '2026-12-08T10:00:00+03:00'], // 15 d = 135 h
  ['basic', 'medium', '2026-11-17T18:00:00+03:00', null],
  ['digit', 'p1', '2026-11-17T11:00:00+03:00', '2026-11-17T18:00:00+03:00'], // 24x7
  ['digit', 'p2', '2026-11-17T14:00:00+03:00', '2026-11-19T16:00:00+03:00'], // 24 working hours
  ['digit', 'p3', '2026-11-17T18:00:00+03:00', '2026-11-23T14:00:00+03:00'], // 40 working hours
  ['digit', 'p4', '2026-11-17T18:00:00+03:00', '2026-11-23T14:00:00+03:00'],
])('%s × %s', async (plan, severity, reactionDue, resolutionDue) => {
  const r = await due(['--plan', plan, '--severity', severity, '--opened', OPENED]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.json).toEqual({ reactionDue, resolutionDue, provisional: false, provisionalYears: [] });
});

test('a pause is not counted: --paused over a night and the Nov 4 holiday', async () => {
  // extended/high opened Tue Nov 3 10:00: 16 working hours; Nov 3 is shortened (until 17:00) and Nov 4 a holiday.
  const plain = await due(['--plan', 'extended', '--severity', 'high', '--opened', '2026-11-03T10:00:00+03:00']);
  expect(plain.json.resolutionDue).toBe('2026-11-05T18:00:00+03:00'); // 7 h on Nov 3 + 9 h on Nov 5
  // Paused from Nov 3 12:00 to Nov 5 11:00: counted 2 h + 7 h by Nov 5 18:00, the last 7 h on Friday Nov 6.
  const paused = await due(['--plan', 'extended', '--severity', 'high', '--opened', '2026-11-03T10:00:00+03:00', '--paused', '2026-11-03T12:00:00+03:00/2026-11-05T11:00:00+03:00']);
  expect(paused.json).toEqual({ reactionDue: '2026-11-03T12:00:00+03:00', resolutionDue: '2026-11-06T16:00:00+03:00', provisional: false, provisionalYears: [] });
});

test('unknown plan or severity: exit 2 naming the known ones; a severity the plan lacks falls back to its highest', async () => {
  expect(await due(['--plan', 'gold', '--severity', 'high', '--opened', OPENED])).toMatchObject({ code: 2, err: expect.stringContaining('known: premium, business, extended, standard, basic, digit') });
  expect(await due(['--plan', 'digit', '--severity', 'urgent', '--opened', OPENED])).toMatchObject({ code: 2, err: expect.stringContaining('plan digit has: p1, p2, p3, p4') });
  const basic = await due(['--plan', 'basic', '--severity', 'critical', '--opened', OPENED]);
  expect(basic).toMatchObject({ code: 0, err: 'plan basic has no severity critical: its highest, medium, applies' });
  expect(await due(['--plan', 'basic', '--severity', 'medium', '--opened', 'yesterday'])).toMatchObject({ code: 2, err: expect.stringContaining('not an ISO 8601 time') });
});

test('working-day plans count in the customer\'s time zone; 24x7 ones are the same everywhere', async () => {
  const opened = '2026-11-17T08:00:00+03:00'; // 10:00 in Yekaterinburg (UTC+5), before opening in Moscow
  expect((await due(['--plan', 'digit', '--severity', 'p2', '--opened', opened])).json.reactionDue).toBe('2026-11-17T13:00:00+03:00');
  expect((await due(['--plan', 'digit', '--severity', 'p2', '--opened', opened, '--time-zone', 'Asia/Yekaterinburg'])).json.reactionDue).toBe('2026-11-17T14:00:00+05:00'); // = 12:00 Moscow
  expect((await due(['--plan', 'digit', '--severity', 'p1', '--opened', opened, '--time-zone', 'Asia/Yekaterinburg'])).json.reactionDue).toBe('2026-11-17T09:00:00+03:00');
  expect(await due(['--plan', 'digit', '--severity', 'p2', '--opened', opened, '--time-zone', 'Mars/Base'])).toMatchObject({ code: 2 });
});
