import { buildMail, messageId } from '../../support/mails';
import { intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
const CUSTOMER = 'Иван <ivan@customer.test>';
const DAY = 24 * 3600 * 1000;

/** A request registered from the customer, and what we sent back. */
async function registered() {
  const h = intakeHarness();
  const first = buildMail({ from: CUSTOMER, to: 'support@example.test', subject: 'Не работает вход', body: 'Помогите' });
  await h.intake.process({ raw: first.raw, mailbox: mb, receivedAt: h.clock.now() });
  const ours = h.all<{ message_id: string; subject: string; text: string }>('SELECT message_id, subject, text FROM outbox')[0];
  const reply = (o: { from?: string; subject?: string; body?: string; headers?: string } = {}) => {
    const m = buildMail({ from: o.from ?? CUSTOMER, to: 'support@example.test', subject: o.subject ?? `Re: ${ours.subject}`, body: o.body ?? 'Вот подробности' });
    const raw = o.headers ? Buffer.from(m.raw.toString('latin1').replace('MIME-Version: 1.0', `${o.headers}\r\nMIME-Version: 1.0`), 'latin1') : m.raw;
    return h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  };
  const status = () => h.all<{ status: string }>('SELECT status FROM tickets WHERE id = 1')[0].status;
  const setStatus = (s: string, resolvedAt: string | null = null) => h.db.$client.prepare('UPDATE tickets SET status = ?, resolved_at = ? WHERE id = 1').run(s, resolvedAt);
  const events = () => h.all<{ type: string; data_json: string }>('SELECT type, data_json FROM events WHERE ticket_id = 1 ORDER BY id').map((e) => e.type);
  return { h, first, ours, reply, status, setStatus, events };
}

test('a reply with the number in the subject joins its request, and gets no second registration reply', async () => {
  const r = await registered();
  expect(await r.reply()).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
  expect(r.h.all('SELECT * FROM tickets')).toHaveLength(1);
  expect(r.h.all('SELECT * FROM outbox')).toHaveLength(1);
  expect(r.h.all<{ ticket_id: number }>("SELECT ticket_id FROM messages WHERE direction = 'in'").map((m) => m.ticket_id)).toEqual([1, 1]);
  expect(r.events()).toEqual(['ticket.created', 'reply.queued', 'message.appended']);
  r.h.close();
});

test('a reply found by In-Reply-To (subject changed, no number) joins its request', async () => {
  const r = await registered();
  const out = await r.reply({ subject: 'другая тема', headers: `In-Reply-To: ${r.ours.message_id}` });
  expect(out).toMatchObject({ outcome: 'appended' });
  expect(JSON.parse(r.h.all<{ verdicts_json: string }>('SELECT verdicts_json FROM messages WHERE id = 2')[0].verdicts_json)).toContainEqual(
    expect.objectContaining({ followUpOf: expect.objectContaining({ via: 'references' }) }),
  );
  r.h.close();
});

test('References naming the customer\'s own first message also find the request', async () => {
  const r = await registered();
  expect(await r.reply({ subject: 'ещё', headers: `References: ${messageId()} ${r.first.messageId}` })).toMatchObject({ outcome: 'appended' });
  r.h.close();
});

test('a number quoted in the body, from the requester, joins the request', async () => {
  const r = await registered();
  const out = await r.reply({ subject: 'новая тема', body: `Дополнение.\n\n> Регистрационный номер: SUP-2026-000001\n> Тема: Не работает вход` });
  expect(out).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
  r.h.close();
});

test('a stranger who knows the number opens a request of their own', async () => {
  const r = await registered();
  const out = await r.reply({ from: 'mallory@evil.test' });
  expect(out).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  expect(await r.reply({ from: 'mallory@evil.test', subject: 'x', body: 'SUP-2026-000001' })).toMatchObject({ outcome: 'created' });
  r.h.close();
});

test('someone the customer put in Cc may write into the request', async () => {
  const h = intakeHarness();
  const m = buildMail({ from: CUSTOMER, to: 'support@example.test', subject: 'x', body: 'y' });
  const withCc = Buffer.from(m.raw.toString('latin1').replace('MIME-Version: 1.0', 'Cc: Boss <boss@customer.test>\r\nMIME-Version: 1.0'), 'latin1');
  await h.intake.process({ raw: withCc, mailbox: mb, receivedAt: h.clock.now() });
  const boss = buildMail({ from: 'boss@customer.test', to: 'support@example.test', subject: 'Re: [SUP-2026-000001] x', body: 'please hurry' });
  expect(await h.intake.process({ raw: boss.raw, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'appended' });
  h.close();
});

test('the customer answering while we wait for them puts the request back in progress', async () => {
  const r = await registered();
  r.setStatus('awaiting_info');
  expect(await r.reply()).toMatchObject({ outcome: 'appended', status: 'in_progress' });
  expect(r.status()).toBe('in_progress');
  expect(r.events().slice(-2)).toEqual(['message.appended', 'status.changed']);
  r.h.close();
});

test('an out-of-office reply while we wait is kept but does not end the wait', async () => {
  const r = await registered();
  r.setStatus('awaiting_info');
  expect(await r.reply({ headers: 'Auto-Submitted: auto-replied' })).toMatchObject({ outcome: 'appended' });
  expect(r.status()).toBe('awaiting_info');
  r.h.close();
});

test('resolved: a reply within the reopen window reopens; after it, a new request linked to the old one', async () => {
  const r = await registered();
  r.setStatus('resolved', new Date(r.h.clock.now().getTime() - 13 * DAY).toISOString());
  expect(await r.reply()).toMatchObject({ outcome: 'appended', status: 'in_progress' });
  r.setStatus('resolved', new Date(r.h.clock.now().getTime() - 15 * DAY).toISOString());
  expect(await r.reply()).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002', linkedTo: 'SUP-2026-000001', replyQueued: true });
  expect(r.h.all<{ linked_ticket_id: number }>("SELECT linked_ticket_id FROM tickets WHERE number = 'SUP-2026-000002'")[0].linked_ticket_id).toBe(1);
  expect(r.events()).toContain('ticket.continued');
  r.h.close();
});

test('a reply to a closed request opens a new one that links it', async () => {
  const r = await registered();
  r.setStatus('closed', r.h.clock.now().toISOString());
  expect(await r.reply()).toMatchObject({ outcome: 'created', linkedTo: 'SUP-2026-000001' });
  expect(r.status()).toBe('closed');
  r.h.close();
});
