import { replyAddress } from '../../../src/auth/token';
import { buildMail } from '../../support/mails';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';

/** Issue 11, class 4: an engineer's machine (out-of-office, auto-responder) never commands, never is answered. */
const mb = mailbox();
const OOO = 'Я в отпуске до 1 декабря. Срочно: +7 900 123-45-67, мой руководитель Пётр.';

async function setup() {
  const h = intakeHarness({ engineers: ENGINEERS });
  await h.intake.process({ raw: buildMail({ from: 'Иван <ivan@customer.test>', to: 'support@example.test', subject: 'Не работает вход', body: 'Помогите.' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
  // The out-of-office answers the notification's Reply-To: the signed token address, so it would pass authentication.
  const fromAnna = (headers: string, body = OOO, subject = 'Re: [SUP-2026-000001] Не работает вход') => {
    const m = buildMail({ from: 'Анна <anna@vendor.test>', to: token, subject, body });
    return h.intake.process({ raw: Buffer.from(m.raw.toString('latin1').replace('MIME-Version: 1.0', `${headers}\r\nMIME-Version: 1.0`), 'latin1'), mailbox: mb, receivedAt: h.clock.now() });
  };
  const outbox = () => h.all<{ kind: string }>('SELECT kind FROM outbox ORDER BY id').map((o) => o.kind);
  return { h, fromAnna, outbox };
}

test.each([
  ['Auto-Submitted: auto-replied'],
  ['X-Autoreply: yes'],
  ['Precedence: bulk'],
  ['X-Auto-Response-Suppress: OOF'],
])('an engineer\'s out-of-office (%s) is kept as an event: no relay, no status change, no SLA reaction, no confirmation', async (header) => {
  const s = await setup();
  const before = s.outbox();
  const out = await s.fromAnna(header, `#status resolved\n\n${OOO}`);
  expect(out).toMatchObject({ outcome: 'ignored', reason: 'automated', ticketNumber: 'SUP-2026-000001' });
  expect(s.outbox()).toEqual(before); // nothing relayed to the customer, nothing confirmed to the engineer
  expect(s.h.all<{ status: string; reacted_at: string | null }>('SELECT status, reacted_at FROM tickets')[0]).toEqual({ status: 'new', reacted_at: null });
  const [e] = s.h.all<{ ticket_id: number; data_json: string }>("SELECT ticket_id, data_json FROM events WHERE type = 'engineer.automated'");
  expect(e.ticket_id).toBe(1);
  expect(JSON.parse(e.data_json)).toMatchObject({ kind: 'auto-reply' });
  expect(s.h.all("SELECT id FROM events WHERE type IN ('command.applied', 'reply.relayed', 'status.changed')")).toHaveLength(0);
  s.h.close();
});

test('an auto-responder answering our confirmation cannot loop: its answer is not confirmed again', async () => {
  const s = await setup();
  await s.fromAnna('X-Mailer: honest client', '#priority high\n\nСмотрю.'); // Anna's real answer: applied and confirmed once
  const confirmations = () => s.outbox().filter((k) => k === 'confirm').length;
  expect(confirmations()).toBe(1);
  for (let i = 0; i < 5; i++) await s.fromAnna('Auto-Submitted: auto-replied', OOO, 'Автоответ: [SUP-2026-000001] ✓');
  expect(confirmations()).toBe(1);
  s.h.close();
});

test('the honest engineer answer (no machine header) is still applied and relayed', async () => {
  const s = await setup();
  const out = await s.fromAnna('X-Mailer: Thunderbird', 'Проверьте, пожалуйста, ещё раз.');
  expect(out).toMatchObject({ outcome: 'command', relayed: true });
  expect(s.outbox()).toContain('relay');
  s.h.close();
});
