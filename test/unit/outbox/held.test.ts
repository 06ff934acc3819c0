/**
 * Issue 11, class 5: held mail is never stuck. A row held for a suppression
 * is tried again when the suppression ends; a row held by a rate cap when the
 * cap's window lets it through (and the gate decides again then).
 */
import type { GateOptions } from '../../../src/outbox/gate';
import { buildMail } from '../../support/mails';
import { intakeHarness, mailbox, recordingOutbox } from '../../support/services';

const mb = mailbox();
const customer = 'ivan@customer.test';

function harness(gate: GateOptions) {
  const h = intakeHarness();
  const { worker, sent } = recordingOutbox(h, { gate });
  const write = async (subject: string, from = customer) => {
    const m = buildMail({ from, to: 'support@example.test', subject, body: 'x' });
    await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
    await worker.flush();
  };
  const held = () => h.all<{ id: number; status: string; next_attempt_at: string; held_at: string; last_error: string }>("SELECT * FROM outbox WHERE status = 'held' ORDER BY id");
  return { h, worker, sent, write, held };
}

test('a row held for a suppression goes out by itself when the suppression ends, not a moment before', async () => {
  const { h, worker, sent, write, held } = harness({ perRecipient: [], global: [], internal: [] });
  const until = new Date(h.clock.now().getTime() + 72 * 3600_000).toISOString();
  h.db.$client.prepare("INSERT INTO suppressions (address, until, reason, created_at) VALUES (?, ?, 'bounced: 5.1.1', ?)").run(customer, until, h.clock.now().toISOString());
  await write('VPN down');
  expect(sent).toHaveLength(0);
  expect(held()).toEqual([expect.objectContaining({ next_attempt_at: until, held_at: h.clock.now().toISOString(), last_error: `suppressed until ${until} (bounced: 5.1.1)` })]);
  h.clock.set(new Date(Date.parse(until) - 1));
  await worker.flush();
  expect(sent).toHaveLength(0);
  h.clock.set(until);
  await worker.flush();
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] VPN down']);
  expect(held()).toEqual([]);
  const events = h.all<{ type: string; actor: string; ticket_id: number }>("SELECT type, actor, ticket_id FROM events WHERE type LIKE 'mail.%' ORDER BY id");
  expect(events).toEqual([
    { type: 'mail.held', actor: 'system', ticket_id: 1 },
    { type: 'mail.released', actor: 'system', ticket_id: 1 },
  ]);
});

test('a suppression renewed meanwhile keeps the row held, with its new end, and no second mail.held', async () => {
  const { h, worker, sent, write, held } = harness({ perRecipient: [], global: [], internal: [] });
  const at = (hours: number) => new Date(h.clock.now().getTime() + hours * 3600_000).toISOString();
  const first = at(72);
  h.db.$client.prepare("INSERT INTO suppressions (address, until, reason, created_at) VALUES (?, ?, 'bounced', ?)").run(customer, first, at(0));
  await write('VPN down');
  const renewed = at(144);
  h.db.$client.prepare('UPDATE suppressions SET until = ?').run(renewed);
  h.clock.set(first);
  await worker.flush();
  expect(sent).toHaveLength(0);
  expect(held()).toEqual([expect.objectContaining({ next_attempt_at: renewed, last_error: `suppressed until ${renewed} (bounced)` })]);
  expect(h.all("SELECT * FROM events WHERE type = 'mail.held'")).toHaveLength(1);
  h.clock.set(renewed);
  await worker.flush();
  expect(sent).toHaveLength(1);
});

test('a row held by a rate cap is tried again when the window lets one through, and then the gate decides again', async () => {
  const { h, worker, sent, write, held } = harness({ perRecipient: [{ minutes: 10, max: 2 }], global: [], internal: [] });
  await write('q0');
  h.clock.advance(60_000);
  await write('q1');
  h.clock.advance(60_000);
  await write('q2');
  await write('q3');
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] q0', '[SUP-2026-000002] q1']);
  // q0 leaves the window a millisecond after 10 minutes: then one more may go.
  const q0Leaves = new Date(Date.parse('2026-11-20T09:30:00Z') + 10 * 60_000 + 1).toISOString();
  expect(held().map((r) => r.next_attempt_at)).toEqual([q0Leaves, q0Leaves]);
  h.clock.set(new Date(Date.parse(q0Leaves) - 1));
  await worker.flush();
  expect(sent).toHaveLength(2);
  h.clock.set(q0Leaves);
  await worker.flush();
  expect(sent.map((m) => m.subject).slice(2)).toEqual(['[SUP-2026-000003] q2']); // one slot: q3 is held again, until q1 leaves
  expect(held()).toEqual([expect.objectContaining({ next_attempt_at: new Date(Date.parse('2026-11-20T09:31:00Z') + 10 * 60_000 + 1).toISOString() })]);
  h.clock.advance(60_000);
  await worker.flush();
  expect(sent.map((m) => m.subject).slice(3)).toEqual(['[SUP-2026-000004] q3']);
  expect(h.all("SELECT * FROM outbox WHERE status <> 'sent'")).toHaveLength(0);
  expect(h.all("SELECT * FROM events WHERE type = 'mail.held'")).toHaveLength(2);
});
