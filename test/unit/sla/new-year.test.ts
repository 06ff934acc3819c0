/**
 * Crossing the year (issue 12): the SLA sweep, its reminders, the clock's
 * pauses and the report across 31 December → January, with the production
 * calendar computed from the rules (config/calendars/ru.yaml: 2026 by its
 * decree, 2027 by the rules alone), on a fake clock.
 *
 * Requests: extended × medium from Ромашка (reaction 4 h, resolution 10 d =
 * 90 h), calendar msk-workdays 09:00–18:00 Moscow (UTC+3 all year: 12:00 MSK
 * = 09:00Z). Working days around the change of year, by hand:
 *   Mon 28, Tue 29, Wed 30 Dec 2026 — full days (30 Dec is not shortened: its
 *   next day, 31 Dec, is a day off by the 2026 decree, not a holiday);
 *   Thu 31 Dec 2026 — off (the decree moved Sun 4 Jan 2026 there);
 *   Fri 1 – Fri 8 Jan 2027 — holidays (art. 112); Sat 9, Sun 10 — weekend;
 *   Mon 11 Jan 2027 — the first working day; no holiday until 23 Feb 2027,
 *   so every weekday of January 2027 from the 11th has 9 h.
 */
import fs from 'node:fs';
import path from 'node:path';
import { replyAddress } from '../../../src/auth/token';
import { loadConfig } from '../../../src/config/load';
import { slaPolicy } from '../../../src/daemon';
import { slaReportCommand } from '../../../src/cli/sla-command';
import { slaReport } from '../../../src/sla/report';
import { SlaSweep } from '../../../src/sweep/sweep';
import { Templates } from '../../../src/compose/templates';
import { buildMail } from '../../support/mails';
import { root, tmpDir } from '../../support/env';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox, silent } from '../../support/services';

const exampleFile = path.join(root, 'config', 'helpdesk.example.yaml');
const example = loadConfig(exampleFile, { env: {} }, { secrets: false });
const config = { ...example, sla: { ...example.sla, escalation: { L1: 'boss@vendor.test' } } };
const mb = mailbox();
const sla = { ...slaPolicy(config)!, organisations: [{ name: 'Ромашка', domains: ['romashka.test'], contacts: [], plan: 'extended' }] };

type Row = { number: string; status: string; reaction_due: string | null; resolution_due: string | null; next_sla_at: string | null };

/** A desk whose fake clock starts at `start`; requests are opened at the clock's time. */
function desk(start: string) {
  const h = intakeHarness({ engineers: ENGINEERS, sla, start });
  const open = (from = 'ivan@romashka.test') =>
    h.intake.process({ raw: buildMail({ from, to: 'support@example.test', subject: 'Отчёт', body: 'Не выгружается.' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const engineer = (number: string, body: string) =>
    h.intake.process({
      raw: buildMail({ from: 'anna@vendor.test', to: replyAddress(TOKEN_SECRET, 'support@example.test', number, 'anna@vendor.test'), subject: `Re: [${number}] Отчёт`, body }).raw,
      mailbox: mb,
      receivedAt: h.clock.now(),
    });
  const customer = (number: string, body: string) =>
    h.intake.process({ raw: buildMail({ from: 'ivan@romashka.test', to: 'support@example.test', subject: `Re: [${number}] Отчёт`, body }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const sweep = () =>
    new SlaSweep({ db: h.db, clock: h.clock, log: silent, plans: sla.plans, templates: new Templates(path.join(root, 'templates')), engineers: ENGINEERS, mailboxes: [mb], escalation: config.sla.escalation }).run();
  const mails = (kinds: string) => h.all<{ kind: string; to_address: string; text: string }>(`SELECT kind, to_address, text FROM outbox WHERE kind IN (${kinds}) ORDER BY id`);
  const ticket = (number = 'SUP-2026-000001') => h.all<Row>('SELECT number, status, reaction_due, resolution_due, next_sla_at FROM tickets WHERE number = ?', number)[0];
  /** Sets the clock to each instant and sweeps: what was sent at each. */
  const sweepsAt = (instants: string[]) => instants.map((at) => (h.clock.set(at), sweep()));
  return { h, open, engineer, customer, sweep, mails, ticket, sweepsAt };
}

/** Instants inside the holidays (31 Dec 2026 – 10 Jan 2027), and the evening before them. */
const HOLIDAYS = [
  '2026-12-30T15:00:00Z', // Wed 30 Dec 18:00 MSK: the working day is over
  '2026-12-31T07:00:00Z', // Thu 31 Dec 10:00 MSK (a working Thursday would have been counted)
  '2026-12-31T20:59:59Z', // 23:59:59 MSK
  '2027-01-01T09:00:00Z', // Fri 1 Jan 12:00 MSK
  '2027-01-04T06:00:00Z', // Mon 4 Jan 09:00 MSK (a Monday, but a holiday)
  '2027-01-05T12:00:00Z',
  '2027-01-08T14:59:00Z', // Fri 8 Jan 17:59 MSK
  '2027-01-09T09:00:00Z', // Sat 9 Jan
  '2027-01-10T20:59:59Z', // Sun 10 Jan 23:59:59 MSK
  '2027-01-11T05:59:59Z', // Mon 11 Jan 08:59:59 MSK: not open yet
];

test('(a) opened Wed 30 Dec 2026 16:00 MSK: nothing during the holidays, the reminders and the breach on Mon 11 Jan 2027', async () => {
  const s = desk('2026-12-30T13:00:00Z'); // Wed 30 Dec 2026 16:00 MSK
  await s.open();
  // Reaction 4 h = 240 min: 120 min on 30 Dec (16:00–18:00), then nothing until Mon 11 Jan 09:00, 120 min more → 11:00 MSK = 08:00Z.
  // 75 % = 180 min: 120 + 60 → 11 Jan 10:00 MSK = 07:00Z. 90 % = 216 min: 120 + 96 → 11 Jan 10:36 MSK = 07:36Z.
  // Resolution 90 h: 2 h on 30 Dec; 11–15 Jan 45 h (47); 18–21 Jan 36 h (83); 7 h on Fri 22 Jan → 16:00 MSK = 13:00Z.
  expect(s.ticket()).toMatchObject({ reaction_due: '2027-01-11T08:00:00.000Z', resolution_due: '2027-01-22T13:00:00.000Z', next_sla_at: '2027-01-11T07:00:00.000Z' });
  expect(s.sweepsAt(HOLIDAYS)).toEqual(HOLIDAYS.map(() => 0));
  expect(s.mails("'sla-remind', 'sla-breach'")).toEqual([]);

  s.h.clock.set('2027-01-11T06:59:59Z'); // 09:59:59 MSK
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2027-01-11T07:00:00Z'); // 10:00 MSK: 75 %
  expect(s.sweep()).toBe(1);
  expect(s.sweep()).toBe(0); // once
  const [r75] = s.mails("'sla-remind'");
  expect(r75).toEqual(expect.objectContaining({ to_address: 'anna@vendor.test', text: expect.stringContaining('прошло 75% срока реакции') }));
  expect(r75.text).toContain('Срок: 11.01.2027, 11:00 (Europe/Moscow)');
  expect(s.ticket().next_sla_at).toBe('2027-01-11T07:36:00.000Z');

  s.h.clock.set('2027-01-11T07:35:59Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2027-01-11T07:36:00Z'); // 10:36 MSK: 90 %
  expect(s.sweep()).toBe(1);
  expect(s.mails("'sla-remind'")[1].text).toContain('прошло 90% срока реакции');

  s.h.clock.set('2027-01-11T07:59:59Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2027-01-11T08:00:00Z'); // 11:00 MSK: the breach, to the engineer and the line's escalation address
  expect(s.sweep()).toBe(2);
  const breach = s.mails("'sla-breach'");
  expect(breach.map((m) => m.to_address)).toEqual(['anna@vendor.test', 'boss@vendor.test']);
  expect(breach[0].text).toContain('НАРУШЕН срок реакции');
  expect(breach[0].text).toContain('Срок: 11.01.2027, 11:00 (Europe/Moscow)');
  // The first repeat 60 min later, inside working hours: 12:00 MSK = 09:00Z.
  expect(s.ticket().next_sla_at).toBe('2027-01-11T09:00:00.000Z');
  s.h.close();
});

test('(a) a breach repeat that falls into the evening of 30 Dec waits for Mon 11 Jan 2027 09:00', async () => {
  const s = desk('2026-12-30T10:00:00Z'); // Wed 30 Dec 13:00 MSK
  await s.open();
  // Reaction 4 h: 13:00 + 4 h = 17:00 MSK = 14:00Z (still on 30 Dec). 75 % = 3 h → 16:00 MSK; 90 % = 3.6 h → 16:36 MSK.
  expect(s.ticket().reaction_due).toBe('2026-12-30T14:00:00.000Z');
  s.h.clock.set('2026-12-30T14:00:00Z'); // 17:00 MSK: both reminders (overdue) and the breach to two addresses
  expect(s.sweep()).toBe(4);
  s.h.clock.set('2026-12-30T14:59:59Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2026-12-30T15:00:00Z'); // 18:00 MSK = due + 60 min: not a working instant; the repeat moves to the next one
  expect(s.sweep()).toBe(0);
  // The next working instant after Wed 30 Dec 18:00: Mon 11 Jan 2027 09:00 MSK = 06:00Z.
  expect(s.ticket().next_sla_at).toBe('2027-01-11T06:00:00.000Z');
  expect(s.sweepsAt(HOLIDAYS.slice(1))).toEqual(HOLIDAYS.slice(1).map(() => 0));
  s.h.clock.set('2027-01-11T06:00:00Z');
  expect(s.sweep()).toBe(2);
  expect(s.mails("'sla-breach'")[2].text).toContain('(напоминание 1)');
  s.h.close();
});

test('(b) a 10-working-day resolution opened Mon 28 Dec 2026 runs across the holidays to Wed 20 Jan 2027', async () => {
  const s = desk('2026-12-28T11:00:00Z'); // Mon 28 Dec 2026 14:00 MSK
  await s.open();
  s.h.clock.set('2026-12-28T12:00:00Z'); // 15:00 MSK: the engineer answers, the reaction is met
  await s.engineer('SUP-2026-000001', 'Смотрим.');
  // 90 h: 28 Dec 14–18 = 4 h; 29 Dec 9 h (13); 30 Dec 9 h (22); 31 Dec – 10 Jan nothing;
  // 11–15 Jan 45 h (67); Mon 18 Jan 9 h (76); Tue 19 Jan 9 h (85); 5 h on Wed 20 Jan → 14:00 MSK = 11:00Z.
  // 75 % = 67.5 h: 67 at the end of Fri 15 Jan → Mon 18 Jan 09:30 MSK = 06:30Z.
  // 90 % = 81 h: 76 at the end of Mon 18 Jan → Tue 19 Jan 09:00 + 5 h = 14:00 MSK = 11:00Z.
  expect(s.ticket()).toMatchObject({ resolution_due: '2027-01-20T11:00:00.000Z', next_sla_at: '2027-01-18T06:30:00.000Z' });
  const quiet = [...HOLIDAYS, '2027-01-15T15:00:00Z', '2027-01-18T06:29:59Z']; // also Fri 15 Jan 18:00 MSK
  expect(s.sweepsAt(quiet)).toEqual(quiet.map(() => 0));
  s.h.clock.set('2027-01-18T06:30:00Z');
  expect(s.sweep()).toBe(1);
  const [r75] = s.mails("'sla-remind'");
  expect(r75.text).toContain('прошло 75% срока решения');
  expect(r75.text).toContain('Срок: 20.01.2027, 14:00 (Europe/Moscow)');
  s.h.clock.set('2027-01-19T10:59:59Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2027-01-19T11:00:00Z');
  expect(s.sweep()).toBe(1);
  expect(s.mails("'sla-remind'")[1].text).toContain('прошло 90% срока решения');
  s.h.clock.set('2027-01-20T10:59:59Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2027-01-20T11:00:00Z');
  expect(s.sweep()).toBe(2);
  expect(s.mails("'sla-breach'").map((m) => [m.to_address, m.text.includes('НАРУШЕН срок решения')])).toEqual([
    ['anna@vendor.test', true],
    ['boss@vendor.test', true],
  ]);
  s.h.close();
});

/**
 * Four requests (all extended × medium), "now" = Tue 12 Jan 2027 15:00 MSK (12:00Z):
 *   C SUP-2026-000001 opened Fri 25 Dec 12:00 MSK, never answered:
 *     counted 25 Dec 360 + 28, 29, 30 Dec 3 × 540 + 11 Jan 540 + 12 Jan 09–15 360 = 2880 min;
 *     reaction due 25 Dec 16:00 → breached; resolution (90 h) due Tue 19 Jan 12:00 → pending.
 *   A SUP-2026-000002 opened Mon 28 Dec 14:00 MSK, answered 15:00, resolved Tue 12 Jan 12:00 MSK:
 *     counted 28 Dec 240 + 29, 30 Dec 1080 + 11 Jan 540 + 12 Jan 09–12 180 = 2040 min;
 *     reaction met (15:00 ≤ 18:00); resolution met (12 Jan ≤ due 20 Jan 14:00, see (b)).
 *   B SUP-2026-000003 opened Wed 30 Dec 16:00 MSK, never answered:
 *     counted 30 Dec 120 + 11 Jan 540 + 12 Jan 360 = 1020 min; reaction due 11 Jan 11:00 → breached; resolution due 22 Jan → pending.
 *   D SUP-2027-000001 opened Mon 11 Jan 2027 10:00 MSK, never answered:
 *     counted 11 Jan 10–18 480 + 12 Jan 360 = 840 min; reaction due 11 Jan 14:00 → breached; resolution pending.
 * Nearest-rank percentiles: rank ⌈q·n⌉ of the sorted minutes.
 */
async function fourRequests() {
  const s = desk('2026-12-25T09:00:00Z');
  await s.open('olga@romashka.test'); // C
  s.h.clock.set('2026-12-28T11:00:00Z');
  await s.open(); // A
  s.h.clock.set('2026-12-28T12:00:00Z');
  await s.engineer('SUP-2026-000002', 'Смотрим.');
  s.h.clock.set('2026-12-30T13:00:00Z');
  await s.open('petr@romashka.test'); // B
  s.h.clock.set('2027-01-11T07:00:00Z');
  await s.open('maria@romashka.test'); // D
  s.h.clock.set('2027-01-12T09:00:00Z');
  await s.engineer('SUP-2026-000002', '#status resolved\n\nИсправлено.');
  s.h.clock.set('2027-01-12T12:00:00Z');
  expect(s.h.all<{ number: string; status: string }>('SELECT number, status FROM tickets ORDER BY id')).toEqual([
    { number: 'SUP-2026-000001', status: 'new' },
    { number: 'SUP-2026-000002', status: 'resolved' },
    { number: 'SUP-2026-000003', status: 'new' },
    { number: 'SUP-2027-000001', status: 'new' },
  ]);
  return s;
}

test('(c) slaReport over a period spanning the change of year counts only working minutes', async () => {
  const s = await fourRequests();
  const now = s.h.clock.now();
  // Opened in [28 Dec 2026 00:00, 15 Jan 2027 00:00) MSK: A, B, D. Sorted [840, 1020, 2040]: median rank 2 = 1020, p90 rank 3 = 2040.
  expect(slaReport(s.h.db, sla.plans, now, new Date('2026-12-28T00:00:00+03:00'), new Date('2027-01-15T00:00:00+03:00'))).toEqual([
    {
      plan: 'extended',
      severity: 'medium',
      requests: 3,
      reaction: { met: 1, breached: 2, pending: 0 },
      resolution: { met: 1, breached: 0, pending: 2, noTarget: 0 },
      countedMinutes: { median: 1020, p90: 2040 },
    },
  ]);
  // All four. Sorted [840, 1020, 2040, 2880]: median rank 2 = 1020, p90 rank ⌈3.6⌉ = 4 = 2880.
  expect(slaReport(s.h.db, sla.plans, now)).toEqual([
    {
      plan: 'extended',
      severity: 'medium',
      requests: 4,
      reaction: { met: 1, breached: 3, pending: 0 },
      resolution: { met: 1, breached: 0, pending: 3, noTarget: 0 },
      countedMinutes: { median: 1020, p90: 2880 },
    },
  ]);
  // Only 2027's: D alone.
  expect(slaReport(s.h.db, sla.plans, now, new Date('2027-01-01T00:00:00+03:00'))[0]).toMatchObject({ requests: 1, countedMinutes: { median: 840, p90: 840 } });
  s.h.close();
});

test('(c) helpdesk sla report --from 2026-12-28 --to 2027-01-15 on that database', async () => {
  const s = await fourRequests();
  // The example config with the harness's data dir and the production calendar by absolute path.
  const dir = tmpDir('newyear-report');
  const file = path.join(dir, 'helpdesk.yaml');
  const yaml = fs.readFileSync(exampleFile, 'utf8');
  expect(yaml).toMatch(/^data_dir: \.\/data$/m);
  expect(yaml).toContain('production: calendars/ru.yaml');
  fs.writeFileSync(file, yaml.replace(/^data_dir: \.\/data$/m, `data_dir: ${s.h.dataDir}`).replace('production: calendars/ru.yaml', `production: ${path.join(root, 'config', 'calendars', 'ru.yaml')}`));
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, stdin: async () => Buffer.alloc(0) };
  // --from/--to are dates (UTC midnight = 03:00 MSK); the requests were opened in the afternoon, so the same three as above.
  expect(slaReportCommand(io, { config: file, from: '2026-12-28', to: '2027-01-15', json: true }, s.h.clock.now())).toBe(0);
  expect(err).toEqual([]);
  expect(JSON.parse(out.join(''))).toEqual([expect.objectContaining({ plan: 'extended', severity: 'medium', requests: 3, reaction: { met: 1, breached: 2, pending: 0 }, countedMinutes: { median: 1020, p90: 2040 } })]);
  out.length = 0;
  expect(slaReportCommand(io, { config: file, from: '2026-12-28', to: '2027-01-15' }, s.h.clock.now())).toBe(0);
  expect(out[1]).toMatch(/^extended\s+medium\s+3\s+1\/2\s+1\/0\s+1020\/2040$/);
  s.h.close();
});

test('(d) waiting for the customer over New Year: no reminder during the holidays, none of the pause counted', async () => {
  const s = desk('2026-12-30T07:00:00Z'); // Wed 30 Dec 2026 10:00 MSK
  await s.open();
  s.h.clock.set('2026-12-30T08:00:00Z'); // 11:00 MSK: the engineer asks (this answers the customer: the reaction is met)
  await s.engineer('SUP-2026-000001', '#status awaiting_info\n\nПришлите, пожалуйста, лог.');
  // Paused from 30 Dec 11:00 MSK. The customer's reminders, in working days of 9 h from there:
  //   2 d = 18 h: 30 Dec 11–18 7 h, Mon 11 Jan 9 h (16), 2 h on Tue 12 Jan → 11:00 MSK = 08:00Z.
  expect(s.ticket()).toMatchObject({ status: 'awaiting_info', reaction_due: null, resolution_due: null, next_sla_at: '2027-01-12T08:00:00.000Z' });
  const quiet = [...HOLIDAYS, '2027-01-11T12:00:00Z', '2027-01-12T07:59:59Z'];
  expect(s.sweepsAt(quiet)).toEqual(quiet.map(() => 0));
  s.h.clock.set('2027-01-12T08:00:00Z');
  expect(s.sweep()).toBe(1);
  expect(s.mails("'awaiting-remind'")).toEqual([expect.objectContaining({ to_address: 'ivan@romashka.test', text: expect.stringContaining('мы всё ещё ждём от вас информацию') })]);
  // 5 d = 45 h: 7 + 11, 12, 13, 14 Jan 36 h (43) + 2 h on Fri 15 Jan → 11:00 MSK = 08:00Z, next.
  expect(s.ticket().next_sla_at).toBe('2027-01-15T08:00:00.000Z');

  s.h.clock.set('2027-01-13T09:00:00Z'); // Wed 13 Jan 12:00 MSK: the customer answers, the count resumes
  await s.customer('SUP-2026-000001', 'Лог во вложении.');
  // Counted before the pause: 30 Dec 10–11 = 1 h. 89 h from 13 Jan 12:00: 13 Jan 6 h; 14, 15, 18–22, 25, 26 Jan 9 × 9 = 81 h (87);
  //   2 h on Wed 27 Jan → 11:00 MSK = 08:00Z.
  // The next notice is the resolution's 75 % = 67.5 h: 1 + 6 (7) + 14, 15, 18, 19, 20, 21 Jan 54 h (61) + 6.5 h on Fri 22 Jan → 15:30 MSK = 12:30Z.
  expect(s.ticket()).toMatchObject({ status: 'in_progress', resolution_due: '2027-01-27T08:00:00.000Z', next_sla_at: '2027-01-22T12:30:00.000Z' });
  expect(s.h.all<{ kind: string; start: string; end: string | null }>('SELECT kind, start, "end" FROM sla_intervals ORDER BY id')).toEqual([
    { kind: 'counted', start: '2026-12-30T07:00:00.000Z', end: '2026-12-30T08:00:00.000Z' },
    { kind: 'paused', start: '2026-12-30T08:00:00.000Z', end: '2027-01-13T09:00:00.000Z' },
    { kind: 'counted', start: '2027-01-13T09:00:00.000Z', end: null },
  ]);
  // At 15:00 MSK the report counts 60 min before the pause and 12:00–15:00 after it: 240 min.
  s.h.clock.set('2027-01-13T12:00:00Z');
  expect(slaReport(s.h.db, sla.plans, s.h.clock.now())[0]).toMatchObject({ requests: 1, reaction: { met: 1, breached: 0, pending: 0 }, countedMinutes: { median: 240, p90: 240 } });
  expect(s.sweep()).toBe(0);
  s.h.close();
});
