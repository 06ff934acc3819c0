/**
 * `helpdesk calendar show` and the warnings of `check-config` on the example
 * config (calendar msk-workdays uses config/calendars/ru.yaml). Figures of
 * 2025 and 2026: the official production calendars (247 days, 1972 hours of a
 * 40-hour week each); 2027 by hand from the rules alone (see production.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli';
import { root, tmpDir } from '../support/env';

const config = path.join(root, 'config', 'helpdesk.example.yaml');

async function helpdesk(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'helpdesk', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env, stdin: async () => Buffer.alloc(0) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test.each([
  // year, working days per month (official tables for 2025 and 2026), hours per month
  [2025, [17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22], [136, 160, 167, 175, 144, 151, 184, 168, 176, 184, 151, 176], 247, 1972],
  [2026, [15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22], [120, 152, 168, 175, 151, 167, 184, 168, 176, 176, 159, 176], 247, 1972],
])('calendar show %i --json: the months and the year as the official production calendar has them', async (year, days, hours, total, totalHours) => {
  const r = await helpdesk(['calendar', 'show', String(year), '--config', config, '--json']);
  expect(r.code).toBe(0);
  const t = JSON.parse(r.out);
  expect(t).toMatchObject({ production: 'ru', rules: 'ru', year, basis: 'decree', provisional: false });
  expect(t.months.map((m: { workingDays: number }) => m.workingDays)).toEqual(days);
  expect(t.months.map((m: { hours: number }) => m.hours)).toEqual(hours);
  expect(t.total).toEqual({ workingDays: total, hours: totalHours });
});

test('calendar show 2025: each non-working day with its reason, the working Saturday, the short days', async () => {
  const r = await helpdesk(['calendar', 'show', '2025', '--config', config]);
  expect(r.code).toBe(0);
  expect(r.out).toContain('rules ru + decree: Постановление Правительства РФ от 04.10.2024 № 1335');
  expect(r.out).toContain('2025-02-23 Sun  holiday: Defender of the Fatherland Day (День защитника Отечества)');
  expect(r.out).toContain('2025-05-08 Thu  moved from 2025-02-23 by the decree');
  expect(r.out).toMatch(/Working weekend days\n {2}2025-11-01 Sat {2}its day off moved to 2025-11-03\n/);
  expect(r.out).toMatch(/Short days \(one hour shorter\)\n {2}2025-03-07 Fri {2}before the holiday of 2025-03-08\n {2}2025-04-30 Wed .*\n {2}2025-06-11 Wed .*\n {2}2025-11-01 Sat {2}works in the place of 2025-11-03, the eve of the holiday of 2025-11-04\n/);
  expect(r.out).toMatch(/^Year +247 +1972$/m);
});

test('calendar show 2027: provisional, the law\'s moves named', async () => {
  const r = await helpdesk(['calendar', 'show', '2027', '--config', config]);
  expect(r.out).toContain('PROVISIONAL: no decree in the data; computed by the rules (ru) alone');
  expect(r.out).toContain('2027-05-03 Mon  moved from 2027-05-01 (Spring and Labour Day), by the law');
  expect(r.out).toContain('2027-12-31 Fri  before the holiday of 2028-01-01');
  expect(r.out).toMatch(/^Year +249 +1987$/m); // 249 × 8 h − 5 short days
  const j = JSON.parse((await helpdesk(['calendar', 'show', '2027', '--config', config, '--json'])).out);
  expect(j).toMatchObject({ basis: 'rules', provisional: true, source: null });
  expect(j.nonWorking).toContainEqual({ date: '2027-06-14', weekday: 'Mon', reason: 'moved', from: '2027-06-12', holiday: 'Russia Day', local: 'День России' });
});

test.each([
  [['calendar', 'show', '27'], 2, '"27" is not a year from 1900 on (e.g. 2027)'],
  [['calendar', 'show', '2027', '--calendar', 'nope'], 2, 'unknown calendar "nope" (with a production calendar: msk-workdays)'],
  [['calendar', 'show', '2027', '--calendar', 'msk-24x7'], 2, 'calendar msk-24x7 has no production calendar'],
])('bad arguments: %j → exit %i with a message', async (args, code, message) => {
  const r = await helpdesk([...args, '--config', config]);
  expect(r.code).toBe(code);
  expect(r.err).toContain(message);
});

let env: NodeJS.ProcessEnv = {};

function configWithData(dataYaml: string) {
  const dir = tmpDir('calendar-cli');
  fs.mkdirSync(path.join(dir, 'calendars'));
  fs.writeFileSync(path.join(dir, 'calendars', 'ru.yaml'), dataYaml);
  const file = path.join(dir, 'helpdesk.yaml');
  fs.writeFileSync(file, fs.readFileSync(config, 'utf8').replace(/^data_dir: .*$/m, `data_dir: ${path.join(dir, 'data')}`).replace(/^templates_dir: .*$/m, `templates_dir: ${path.join(root, 'templates')}`));
  for (const secret of ['token-secret', 'smtp-password']) fs.writeFileSync(path.join(dir, secret), 'a-secret-of-thirty-two-characters!!', { mode: 0o600 });
  env = { HELPDESK_IMAP_PASSWORD: 'x', CREDENTIALS_DIRECTORY: dir };
  const clock = path.join(dir, 'now');
  return { dir, file, at: (iso: string) => (fs.writeFileSync(clock, iso), ['--clock-file', clock]) };
}

test('check-config warns, and does not fail, when this year (or next year, from December on) is provisional', async () => {
  const c = configWithData(fs.readFileSync(path.join(root, 'config', 'calendars', 'ru.yaml'), 'utf8'));
  const nov = await helpdesk(['check-config', '--config', c.file, ...c.at('2026-11-30T12:00:00Z')], env);
  expect([nov.code, nov.err]).toEqual([0, '']);
  const dec = await helpdesk(['check-config', '--config', c.file, ...c.at('2026-12-01T12:00:00Z')], env);
  expect(dec.code).toBe(0);
  expect(dec.out).toContain(': OK (');
  expect(dec.err).toContain(`warning: calendar msk-workdays: 2027 provisional: no decree in ${path.join(c.dir, 'calendars', 'ru.yaml')}; counted by the rules of the law alone`);
});

test('a data file with a decree that cannot be is a config problem: check-config names the file, the key and the date', async () => {
  const bad = fs.readFileSync(path.join(root, 'config', 'calendars', 'ru.yaml'), 'utf8').replace('{ from: 2025-11-01, to: 2025-11-03 }', '{ from: 2025-11-05, to: 2025-11-03 }');
  const c = configWithData(bad);
  const r = await helpdesk(['check-config', '--config', c.file, ...c.at('2026-06-01T12:00:00Z')], env);
  expect(r.code).toBe(1);
  expect(r.err).toContain('calendars.msk-workdays.production:');
  expect(r.err).toContain('decrees.2025.transfers[4].from: 2025-11-05 is not a weekend day');
});
