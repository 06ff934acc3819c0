/**
 * Deadlines counted through a year no decree vouches for are stored as
 * provisional, and follow the calendar data once a decree is there.
 * Request: extended × medium (reaction 4 h, msk-workdays 09:00–18:00 Moscow).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load';
import { slaPolicy } from '../../../src/daemon';
import { recomputeProvisional } from '../../../src/requests/ledger';
import { showTicket } from '../../../src/cli/tickets-command';
import { buildMail } from '../../support/mails';
import { root, tmpDir } from '../../support/env';
import { ENGINEERS, intakeHarness, mailbox } from '../../support/services';

const example = loadConfig(path.join(root, 'config', 'helpdesk.example.yaml'), { env: {} }, { secrets: false });
const mb = mailbox();
const organisations = [{ name: 'Ромашка', domains: ['romashka.test'], contacts: [], plan: 'extended' }];

/** The example config with its production calendar in a copy that a test may change. */
function withData(extra = '') {
  const dir = tmpDir('provisional');
  const data = path.join(dir, 'ru.yaml');
  fs.writeFileSync(data, fs.readFileSync(path.join(root, 'config', 'calendars', 'ru.yaml'), 'utf8') + extra);
  const config = { ...example, calendars: { ...example.calendars, 'msk-workdays': { ...example.calendars['msk-workdays'], production: data } } };
  return { ...slaPolicy(config)!, organisations };
}

async function open(sla: ReturnType<typeof withData>, at: string) {
  const h = intakeHarness({ engineers: ENGINEERS, sla, start: at });
  await h.intake.process({ raw: buildMail({ from: 'ivan@romashka.test', to: 'support@example.test', subject: 'Отчёт', body: 'Не выгружается.' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const row = () => h.all<{ reaction_due: string; due_provisional: string | null }>('SELECT reaction_due, due_provisional FROM tickets')[0];
  return { h, row };
}

test('a deadline inside 2026 (decreed) is not provisional', async () => {
  const r = await open(withData(), '2026-11-20T09:30:00Z'); // Fri 12:30 MSK → 16:30
  expect(r.row()).toEqual({ reaction_due: '2026-11-20T13:30:00.000Z', due_provisional: null });
  r.h.close();
});

test('a deadline counted into 2027 records the year; once a 2027 decree is in the data, recomputing follows it and clears the mark', async () => {
  // Wed 30 Dec 2026 16:00 MSK: 2 h that day; 31 Dec 2026 (decree) and 1–8 Jan 2027 off, 9–10 Jan weekend → Mon 11 Jan 2027 11:00 MSK.
  const r = await open(withData(), '2026-12-30T13:00:00Z');
  expect(r.row()).toEqual({ reaction_due: '2027-01-11T08:00:00.000Z', due_provisional: '2027' });
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: {}, stdin: async () => Buffer.alloc(0) };
  showTicket(r.h.db, io, 'SUP-2026-000001', { json: true });
  expect(JSON.parse(out[0]).sla).toMatchObject({ reactionDue: '2027-01-11T08:00:00.000Z', provisionalYears: [2027] });
  out.length = 0;
  showTicket(r.h.db, io, 'SUP-2026-000001', {});
  expect(out.join('\n')).toContain('(provisional: 2027 counted without a decree)');
  // A (made-up) 2027 decree makes Monday 11 January a day off too: the deadline moves to Tue 12 Jan 11:00 MSK.
  const decreed = withData('  2027:\n    transfers:\n      - { from: 2027-01-02, to: 2027-01-11 }\n');
  expect(recomputeProvisional(r.h.db, decreed.plans)).toBe(1);
  expect(r.row()).toEqual({ reaction_due: '2027-01-12T08:00:00.000Z', due_provisional: null });
  expect(recomputeProvisional(r.h.db, decreed.plans)).toBe(0); // nothing provisional is left
  r.h.close();
});

test('deadlines stored before the upgrade that reach 2027 (counted then without its holidays) are marked by migration 0011 and recounted', async () => {
  const r = await open(withData(), '2026-12-30T13:00:00Z');
  const early = await r.h.intake.process({ raw: buildMail({ from: 'olga@romashka.test', to: 'support@example.test', subject: 'Другое', body: 'x' }).raw, mailbox: mb, receivedAt: r.h.clock.now() });
  expect(early.outcome).toBe('created');
  // As the old code stored them: 2027 had no holidays, so 4 h from Wed 30 Dec 16:00 MSK ended on Fri 1 Jan 2027 11:00 MSK.
  r.h.db.$client.prepare("UPDATE tickets SET reaction_due = '2027-01-01T08:00:00.000Z', due_provisional = NULL WHERE seq = 1").run();
  // …and one whose deadlines stay in 2026 (left alone).
  r.h.db.$client.prepare("UPDATE tickets SET reaction_due = '2026-12-30T14:00:00.000Z', resolution_due = '2026-12-30T15:00:00.000Z', due_provisional = NULL WHERE seq = 2").run();
  const sql = fs.readFileSync(path.join(root, 'migrations', '0011_due_provisional.sql'), 'utf8');
  const updates = sql.split('--> statement-breakpoint').map((s) => s.replace(/^--.*$/gm, '').trim()).filter((s) => s.startsWith('UPDATE'));
  expect(updates).toHaveLength(1);
  r.h.db.$client.exec(updates[0]);
  expect(r.h.all('SELECT seq, due_provisional FROM tickets ORDER BY seq')).toEqual([{ seq: 1, due_provisional: 'recount' }, { seq: 2, due_provisional: null }]);
  expect(recomputeProvisional(r.h.db, withData().plans)).toBe(1);
  expect(r.row()).toEqual({ reaction_due: '2027-01-11T08:00:00.000Z', due_provisional: '2027' }); // Mon 11 Jan 2027 11:00 MSK
  r.h.close();
});
