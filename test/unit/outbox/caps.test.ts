/** The outbox's rate caps on automatic mail, seen through intake (moved here from test/unit/intake/bounce.test.ts). */
import { buildMail } from '../../support/mails';
import { intakeHarness, mailbox, recordingOutbox } from '../../support/services';

const mb = mailbox();
const customer = 'ivan@customer.test';

test('per-recipient and global caps hold automatic mail back and record it; a relay is never capped', async () => {
  const h = intakeHarness();
  const { worker, sent } = recordingOutbox(h, { gate: { perRecipient: [{ minutes: 10, max: 2 }], global: [{ minutes: 60, max: 4 }], internal: [] } });
  const send = async (from: string, i: number) => {
    const m = buildMail({ from, to: 'support@example.test', subject: `q${i}`, body: 'x' });
    await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
    await worker.flush();
  };
  for (let i = 0; i < 4; i++) await send(customer, i);
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] q0', '[SUP-2026-000002] q1']);
  const held = h.all<{ last_error: string }>("SELECT last_error FROM outbox WHERE status = 'held'");
  expect(held.map((r) => r.last_error)).toEqual([
    'rate cap: 2 automatic mails to ivan@customer.test in 10 min (max 2)',
    'rate cap: 2 automatic mails to ivan@customer.test in 10 min (max 2)',
  ]);
  expect(h.all("SELECT * FROM events WHERE type = 'mail.held'")).toHaveLength(2);
  h.clock.advance(11 * 60_000);
  await send(customer, 4); // the window lets two more through: the two held ones, oldest first; q4 waits its turn
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] q0', '[SUP-2026-000002] q1', '[SUP-2026-000003] q2', '[SUP-2026-000004] q3']);
  await send('olga@customer.test', 5); // the 5th automatic mail within the hour: over the global cap
  expect(sent.map((m) => m.to)).toEqual([customer, customer, customer, customer]);
  expect(h.all<{ last_error: string }>("SELECT last_error FROM outbox WHERE status = 'held' ORDER BY id DESC LIMIT 1")[0].last_error).toBe('global rate cap: 4 automatic mails in 60 min (max 4)');
  // An engineer's words relayed to the customer are not automatic mail.
  h.db.$client
    .prepare("INSERT INTO outbox (kind, mailbox, message_id, from_address, from_name, to_address, subject, text, next_attempt_at, created_at) VALUES ('relay','support','<relay@x>','support@example.test','S',?,'relay','t',?,?)")
    .run(customer, h.clock.now().toISOString(), h.clock.now().toISOString());
  await worker.flush();
  expect(sent.at(-1)?.subject).toBe('relay');
});
