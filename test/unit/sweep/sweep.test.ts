/**
 * The SLA sweep on a fake clock (no sleeping). Request: extended × medium from
 * Ромашка, opened Friday 2026-11-20 12:30 Moscow (09:30 UTC): reaction due
 * 16:30 (4 h), reminders at 75 % (15:30) and 90 % (16:06).
 */
import path from 'node:path';
import { forwardAddress, replyAddress } from '../../../src/auth/token';
import { Notifier } from '../../../src/compose/notify';
import { loadConfig } from '../../../src/config/load';
import { slaPolicy } from '../../../src/daemon';
import { SlaSweep } from '../../../src/sweep/sweep';
import { Templates } from '../../../src/compose/templates';
import { buildMail } from '../../support/mails';
import { expectAlternative } from '../../support/alternative';
import { root } from '../../support/env';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox, silent } from '../../support/services';

const example = loadConfig(path.join(root, 'config', 'helpdesk.example.yaml'), { env: {} }, { secrets: false });
const config = { ...example, sla: { ...example.sla, escalation: { L1: 'boss@vendor.test' } } };
const mb = mailbox();

async function setup(cc?: string) {
  const sla = { ...slaPolicy(config)!, organisations: [{ name: 'Ромашка', domains: ['romashka.test'], contacts: [], plan: 'extended' }] };
  const h = intakeHarness({ engineers: ENGINEERS, sla });
  await h.intake.process({ raw: buildMail({ from: 'ivan@romashka.test', to: 'support@example.test', cc, subject: 'Отчёт', body: 'Не выгружается.' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const copies = { onReplies: true, never: (a: string) => ENGINEERS.some((e) => e.address === a) };
  const notifier = new Notifier(new Templates(path.join(root, 'templates')), ENGINEERS, TOKEN_SECRET);
  const sweep = () =>
    new SlaSweep({
      db: h.db,
      clock: h.clock,
      log: silent,
      plans: sla.plans,
      templates: new Templates(path.join(root, 'templates')),
      engineers: ENGINEERS,
      mailboxes: [mb],
      escalation: config.sla.escalation,
      copies,
      forwardAddress: (m, a) => notifier.forwardAddressFor(m, a),
    }).run();
  const mails = (kinds: string) => h.all<{ kind: string; to_address: string; text: string }>(`SELECT kind, to_address, text FROM outbox WHERE kind IN (${kinds}) ORDER BY id`);
  const engineer = (body: string) =>
    h.intake.process({
      raw: buildMail({ from: 'anna@vendor.test', to: replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test'), subject: 'Re: [SUP-2026-000001] Отчёт', body }).raw,
      mailbox: mb,
      receivedAt: h.clock.now(),
    });
  const status = () => h.all<{ status: string; next_sla_at: string | null }>('SELECT status, next_sla_at FROM tickets')[0];
  return { h, sweep, mails, engineer, status };
}

test('reminders at 75 % and 90 %, the breach to the engineer and the line\'s escalation address, repeats in working hours only — each once', async () => {
  const s = await setup();
  expect(s.status().next_sla_at).toBe('2026-11-20T12:30:00.000Z');
  s.h.clock.set('2026-11-20T12:29:59Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2026-11-20T12:30:00Z');
  expect(s.sweep()).toBe(1);
  expect(s.sweep()).toBe(0); // once
  expect(s.mails("'sla-remind'")).toEqual([expect.objectContaining({ to_address: 'anna@vendor.test', text: expect.stringContaining('прошло 75% срока реакции') })]);
  s.h.clock.set('2026-11-20T13:30:00Z'); // 16:30 MSK: 90 % and the breach
  expect(s.sweep()).toBe(3);
  const breach = s.mails("'sla-breach'");
  expect(breach.map((m) => m.to_address)).toEqual(['anna@vendor.test', 'boss@vendor.test']);
  expect(breach[0].text).toContain('НАРУШЕН срок реакции');
  // Each engineer's notice ends with their own forwarding address; the escalation address (no engineer) gets none.
  expect(breach[0].text).toContain(forwardAddress(TOKEN_SECRET, 'support@example.test', 'anna@vendor.test'));
  expect(breach[1].text).not.toContain('support+f.');
  s.h.clock.set('2026-11-20T14:30:00Z'); // 17:30 MSK: first repeat
  expect(s.sweep()).toBe(2);
  expect(s.mails("'sla-breach'")[2].text).toContain('(напоминание 1)');
  expectAlternative(s.h.all("SELECT kind, text, html FROM outbox WHERE kind IN ('sla-remind', 'sla-breach')"));
  s.h.clock.set('2026-11-20T15:30:00Z'); // 18:30 MSK: the next repeat waits for Monday 09:00
  expect(s.sweep()).toBe(0);
  expect(s.status().next_sla_at).toBe('2026-11-23T06:00:00.000Z');
  s.h.close();
});

test('an answer to the customer meets the reaction: its reminders stop', async () => {
  const s = await setup();
  s.h.clock.set('2026-11-20T11:00:00Z');
  await s.engineer('Смотрим.');
  s.h.clock.set('2026-11-20T14:00:00Z');
  expect(s.sweep()).toBe(0);
  expect(s.mails("'sla-remind', 'sla-breach'")).toEqual([]);
  expect(s.status().next_sla_at).not.toBeNull(); // the resolution reminders are still ahead
  s.h.close();
});

test('waiting for the customer: reminders after 2 and 5 working days, then the request is suspended and the customer told', async () => {
  const s = await setup();
  s.h.clock.set('2026-11-20T10:00:00Z'); // Fri 13:00 MSK
  await s.engineer('#status awaiting_info\n\nПришлите, пожалуйста, лог.');
  // 2 working days = 18 h from Fri 13:00: 5 h Fri, 9 h Mon, 4 h Tue → Tue Nov 24 13:00 MSK
  s.h.clock.set('2026-11-24T09:59:00Z');
  expect(s.sweep()).toBe(0);
  s.h.clock.set('2026-11-24T10:00:00Z');
  expect(s.sweep()).toBe(1);
  expect(s.mails("'awaiting-remind'")).toEqual([expect.objectContaining({ to_address: 'ivan@romashka.test', text: expect.stringContaining('мы всё ещё ждём от вас информацию') })]);
  // 10 working days = 90 h → Fri Dec 4 13:00 MSK
  s.h.clock.set('2026-12-04T10:00:00Z');
  expect(s.sweep()).toBe(2); // the 5-day reminder (overdue) and the end of the wait
  expect(s.status().status).toBe('suspended');
  expect(s.mails("'awaiting-expired'")[0].text).toContain('приостановлена (причина: клиент недоступен)');
  expectAlternative(s.h.all("SELECT kind, text, html FROM outbox WHERE kind IN ('awaiting-remind', 'awaiting-expired')"));
  expect(s.sweep()).toBe(0);
  s.h.close();
});

test("the customer's notices (still waiting, closed) go to the participants too, in Cc; engineers' SLA notices do not", async () => {
  const s = await setup('maria@romashka.test');
  s.h.clock.set('2026-11-20T10:00:00Z');
  await s.engineer('#status awaiting_info\n\nПришлите, пожалуйста, лог.');
  s.h.clock.set('2026-11-24T10:00:00Z');
  s.sweep();
  const remind = s.h.all<{ to_address: string; cc_json: string }>("SELECT to_address, cc_json FROM outbox WHERE kind = 'awaiting-remind' ORDER BY id");
  expect(remind.map((r) => [r.to_address, JSON.parse(r.cc_json)])).toEqual([
    ['ivan@romashka.test', ['maria@romashka.test']],
    ['maria@romashka.test', ['maria@romashka.test']],
  ]);
  expect(s.h.all("SELECT id FROM outbox WHERE kind LIKE 'sla-%' AND to_address = 'maria@romashka.test'")).toEqual([]);
  s.h.clock.set('2026-12-04T10:00:00Z');
  s.sweep();
  expect(s.mails("'awaiting-expired'").map((m) => m.to_address)).toEqual(['ivan@romashka.test', 'maria@romashka.test']);
  s.h.close();
});

test('resolved without objection: closed after 3 working days with a closing mail; overlapping sweeps send it once', async () => {
  const s = await setup();
  s.h.clock.set('2026-11-20T10:00:00Z');
  await s.engineer('#status resolved\n\nИсправлено.');
  s.h.clock.set('2026-11-25T10:00:00Z'); // Fri 13:00 + 27 working hours = Wed Nov 25 13:00 MSK
  const [a, b] = [s.sweep(), s.sweep()];
  expect(a + b).toBe(1);
  expect(s.status()).toEqual({ status: 'closed', next_sla_at: null });
  expect(s.mails("'closed'")).toEqual([expect.objectContaining({ to_address: 'ivan@romashka.test', text: expect.stringContaining('закрыто и передано в архив') })]);
  expectAlternative(s.h.all("SELECT kind, text, html FROM outbox WHERE kind = 'closed'"));
  s.h.close();
});
