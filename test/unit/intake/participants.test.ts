import { buildMail, messageId } from '../../support/mails';
import { ENGINEERS, intakeHarness, mailbox } from '../../support/services';

/**
 * Issue 11, class 1: a stranger who knows a registration number, or one
 * Message-ID of a customer's thread, must learn nothing and change nothing.
 */
const mb = mailbox({ addresses: ['support@example.test', 'help@example.test'] });
const CUSTOMER = 'Иван <ivan@customer.test>';
const SECRET_SUBJECT = 'Пароль от склада не подходит';

async function registered() {
  const h = intakeHarness({ engineers: ENGINEERS, ownAddresses: mb.addresses });
  const first = buildMail({ from: CUSTOMER, to: 'support@example.test', subject: SECRET_SUBJECT, body: 'Помогите, склад 7' });
  await h.intake.process({ raw: first.raw, mailbox: mb, receivedAt: h.clock.now() });
  const send = (o: { from: string; subject?: string; body?: string; headers?: string[] }) => {
    const m = buildMail({ from: o.from, to: 'support@example.test', subject: o.subject ?? `Re: [SUP-2026-000001] ${SECRET_SUBJECT}`, body: o.body ?? 'Закройте обращение' });
    const raw = o.headers ? Buffer.from(m.raw.toString('latin1').replace('MIME-Version: 1.0', `${o.headers.join('\r\n')}\r\nMIME-Version: 1.0`), 'latin1') : m.raw;
    return h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  };
  const ticket1 = () => h.all<{ status: string; updated_at: string }>('SELECT status, updated_at FROM tickets WHERE id = 1')[0];
  const onTicket1 = () => h.all<{ id: number }>("SELECT id FROM messages WHERE ticket_id = 1 AND direction = 'in'").length;
  const mailTo = (address: string) => h.all<{ kind: string; subject: string; text: string }>('SELECT kind, subject, text FROM outbox WHERE to_address = ? ORDER BY id', address);
  return { h, first, send, ticket1, onTicket1, mailTo };
}

describe('a From of our own address', () => {
  test.each([
    ['the mailbox address', 'Support <support@example.test>'],
    ['another mailbox address of the desk', 'help@example.test'],
    ['a +tag variant (as our reply-token addresses have)', 'support+t.sup-2026-000001.0123456789abcdef0123@example.test'],
    ['the address in capitals', 'SUPPORT@Example.Test'],
  ])('(%s) is forged: kept, joins nothing, reopens nothing, tells no engineer', async (_what, from) => {
    const r = await registered();
    r.h.db.$client.prepare("UPDATE tickets SET status = 'resolved', resolved_at = ?").run(r.h.clock.now().toISOString());
    const before = r.ticket1();
    const notices = r.h.all("SELECT id FROM outbox WHERE kind LIKE 'notify-%'").length;
    const out = await r.send({ from, headers: ['Cc: mallory@evil.test'] });
    expect(out).toMatchObject({ outcome: 'ignored', reason: 'forged', ticketNumber: null });
    expect(r.ticket1()).toEqual(before); // still resolved, not touched
    expect(r.onTicket1()).toBe(1);
    expect(r.h.all("SELECT id FROM outbox WHERE kind LIKE 'notify-%'")).toHaveLength(notices);
    const kept = r.h.all<{ ticket_id: number | null; event: string }>("SELECT m.ticket_id, e.type AS event FROM messages m JOIN events e ON e.message_id = m.id WHERE m.id = 2");
    expect(kept).toEqual([{ ticket_id: null, event: 'sender.forged' }]);
    // The Cc of the forged mail made nobody a participant: the stranger's status query learns nothing.
    await r.send({ from: 'mallory@evil.test', subject: 'статус SUP-2026-000001', body: '' });
    const [answer] = r.mailTo('mallory@evil.test');
    expect(answer.kind).toBe('status-unknown');
    expect(answer.text).not.toContain(SECRET_SUBJECT);
    expect(answer.subject).not.toContain('SUP-2026-000001');
    r.h.close();
  });

  test('our own mail that comes back with our loop header is a loop, not a forgery, and joins nothing either', async () => {
    const r = await registered();
    const out = await r.send({ from: 'support@example.test', headers: ['X-Helpdesk-Loop: support@example.test'] });
    expect(out).toMatchObject({ outcome: 'ignored', reason: 'loop', ticketNumber: null });
    expect(r.onTicket1()).toBe(1);
    r.h.close();
  });
});

describe('one participant rule on every threading path', () => {
  test('a stranger who knows a Message-ID of the thread opens a request of their own, linked, and learns nothing', async () => {
    const r = await registered();
    const out = await r.send({ from: 'mallory@evil.test', subject: 'Re: ваше письмо', body: 'Отмените всё', headers: [`In-Reply-To: ${r.first.messageId}`, `References: ${r.first.messageId}`] });
    expect(out).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002', linkedTo: 'SUP-2026-000001' });
    expect(r.onTicket1()).toBe(1);
    expect(r.h.all<{ linked_ticket_id: number }>("SELECT linked_ticket_id FROM tickets WHERE number = 'SUP-2026-000002'")[0].linked_ticket_id).toBe(1);
    expect(r.h.all<{ type: string }>('SELECT type FROM events WHERE ticket_id = 1 ORDER BY id').map((e) => e.type)).toContain('ticket.named_by_stranger');
    // The stranger's registration reply is about their own request only.
    const [reply] = r.mailTo('mallory@evil.test');
    expect(reply.text).toContain('SUP-2026-000002');
    expect(reply.text).not.toContain('SUP-2026-000001');
    expect(reply.text).not.toContain(SECRET_SUBJECT);
    // And being on their own request does not put them on the first one.
    await r.send({ from: 'mallory@evil.test', subject: 'статус SUP-2026-000001', body: '', headers: [`References: ${r.first.messageId}`] });
    const answers = r.mailTo('mallory@evil.test').filter((m) => m.kind.startsWith('status'));
    expect(answers.map((a) => a.kind)).toEqual(['status-unknown']);
    expect(answers[0].text).not.toContain(SECRET_SUBJECT);
    r.h.close();
  });

  test('a stranger who replies to our registration reply (its Message-ID) is no participant either', async () => {
    const r = await registered();
    const ours = r.h.all<{ message_id: string }>("SELECT message_id FROM outbox WHERE kind = 'registration'")[0].message_id;
    const out = await r.send({ from: 'mallory@evil.test', subject: 'x', headers: [`In-Reply-To: ${ours}`] });
    expect(out).toMatchObject({ outcome: 'created', linkedTo: 'SUP-2026-000001' });
    expect(r.onTicket1()).toBe(1);
    r.h.close();
  });

  test('a stranger naming the number in the subject or the body gets a request of their own, linked', async () => {
    const r = await registered();
    expect(await r.send({ from: 'mallory@evil.test' })).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002', linkedTo: 'SUP-2026-000001' });
    expect(await r.send({ from: 'eve@evil.test', subject: 'вопрос', body: 'по обращению SUP-2026-000001' })).toMatchObject({ outcome: 'created', linkedTo: 'SUP-2026-000001' });
    expect(r.onTicket1()).toBe(1);
    r.h.close();
  });

  test('the honest customer still joins by each path', async () => {
    const r = await registered();
    expect(await r.send({ from: CUSTOMER, subject: 'без номера', headers: [`In-Reply-To: ${r.first.messageId}`] })).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
    expect(await r.send({ from: CUSTOMER })).toMatchObject({ outcome: 'appended' });
    expect(await r.send({ from: CUSTOMER, subject: 'тоже', body: 'Ответ на SUP-2026-000001' })).toMatchObject({ outcome: 'appended' });
    expect(r.onTicket1()).toBe(4);
    r.h.close();
  });

  test('a Cc on a later mail brings no one in: its From may be forged (a colleague Cc\'d on the first mail is on the request)', async () => {
    const r = await registered();
    // The requester's From is a claim: this follow-up may be anyone's. Its Cc must not make Mallory a participant.
    expect(await r.send({ from: CUSTOMER, headers: ['Cc: mallory@evil.test'] })).toMatchObject({ outcome: 'appended' });
    await r.send({ from: 'mallory@evil.test', subject: 'статус SUP-2026-000001', body: '' });
    expect(r.mailTo('mallory@evil.test').map((m) => m.kind)).toEqual(['status-unknown']);
    expect(await r.send({ from: 'mallory@evil.test' })).toMatchObject({ outcome: 'created', linkedTo: 'SUP-2026-000001' });
    r.h.close();
  });
});

describe('mail kept on a request without being a participant\'s brings no one in either', () => {
  const leaks = async (r: Awaited<ReturnType<typeof registered>>) => {
    await r.send({ from: 'mallory@evil.test', subject: 'статус SUP-2026-000001', body: '' });
    return r.mailTo('mallory@evil.test').map((m) => m.kind);
  };

  test('a forged engineer From with Mallory in Cc (kept as an unverified note)', async () => {
    const r = await registered();
    expect(await r.send({ from: 'Анна <anna@vendor.test>', headers: ['Cc: mallory@evil.test'], body: 'ok' })).toMatchObject({ outcome: 'rejected' });
    expect(await leaks(r)).toEqual(['status-unknown']);
    r.h.close();
  });

  test('the same with Auto-Submitted (kept as an engineer\'s machine mail)', async () => {
    const r = await registered();
    expect(await r.send({ from: 'Анна <anna@vendor.test>', headers: ['Cc: mallory@evil.test', 'Auto-Submitted: auto-replied'], body: 'ok' })).toMatchObject({ outcome: 'ignored', reason: 'automated' });
    expect(await leaks(r)).toEqual(['status-unknown']);
    r.h.close();
  });

  test('a forged old-style bounce that quotes our registration reply\'s Message-ID, sent To Mallory too', async () => {
    const r = await registered();
    const ours = r.h.all<{ message_id: string }>("SELECT message_id FROM outbox WHERE kind = 'registration'")[0].message_id;
    const bounce = Buffer.from(`From: MAILER-DAEMON@evil.test\r\nTo: support@example.test, mallory@evil.test\r\nSubject: failure notice\r\nMessage-ID: <b1@evil.test>\r\n\r\n--- Below this line is a copy of the message.\r\n\r\nMessage-ID: ${ours}\r\n`);
    await r.h.intake.process({ raw: bounce, mailbox: mb, receivedAt: r.h.clock.now() });
    expect(await leaks(r)).toEqual(['status-unknown']);
    r.h.close();
  });
});

describe('the desk\'s own address however it is spelt', () => {
  test.each([
    ['in Unicode while configured in punycode', ['support@xn--e1afmkfd.xn--p1ai'], 'support@пример.рф'],
    ['with a trailing dot', ['support@example.test'], 'support@example.test.'],
  ])('%s is forged in a From', async (_what, own, from) => {
    const h = intakeHarness({ ownAddresses: own });
    const m = buildMail({ from: 'ivan@customer.test', to: from, subject: 'x', body: 'y' });
    await h.intake.process({ raw: m.raw, mailbox: mailbox({ addresses: own }), receivedAt: h.clock.now() });
    const forged = buildMail({ from, to: own[0], subject: 'Re: [SUP-2026-000001] x', body: 'z' });
    expect(await h.intake.process({ raw: forged.raw, mailbox: mailbox({ addresses: own }), receivedAt: h.clock.now() })).toMatchObject({ outcome: 'ignored', reason: 'forged' });
    h.close();
  });

  test('a customer Cc-ing the desk\'s other address makes no one a participant through it', async () => {
    const r = await registered();
    await r.send({ from: CUSTOMER, headers: ['Cc: help@example.test'] });
    const out = await r.send({ from: 'help@example.test', subject: `Re: [SUP-2026-000001] x` });
    expect(out).toMatchObject({ outcome: 'ignored', reason: 'forged' });
    r.h.close();
  });
});

test('a mail that names requests by References and by number joins the one its sender is on', async () => {
  const r = await registered();
  const other = buildMail({ from: 'petr@customer2.test', to: 'support@example.test', subject: 'Другое', body: 'x', messageId: messageId() });
  await r.h.intake.process({ raw: other.raw, mailbox: mb, receivedAt: r.h.clock.now() });
  // Petr names Ivan's request in the subject, and his own by References.
  const out = await r.send({ from: 'petr@customer2.test', headers: [`References: ${other.messageId}`] });
  expect(out).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000002' });
  expect(r.onTicket1()).toBe(1);
  r.h.close();
});

describe('a customer\'s From that our own server says its domain disowns', () => {
  const ar = (verdict: string) => `Authentication-Results: mx.vendor.test; spf=fail smtp.mailfrom=evil.test; dkim=none; dmarc=${verdict} header.from=customer.test`;

  test('dmarc=fail in our topmost Authentication-Results: a stranger, who reopens nothing and learns nothing', async () => {
    const r = await registered();
    r.h.db.$client.prepare("UPDATE tickets SET status = 'awaiting_info'").run();
    const out = await r.send({ from: CUSTOMER, headers: [ar('fail')] });
    expect(out).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002', linkedTo: 'SUP-2026-000001' });
    expect(r.ticket1().status).toBe('awaiting_info');
    expect(r.onTicket1()).toBe(1);
    await r.send({ from: CUSTOMER, subject: 'статус SUP-2026-000001', body: '', headers: [ar('fail')] });
    expect(r.h.all<{ kind: string }>("SELECT kind FROM outbox WHERE kind LIKE 'status%'").map((o) => o.kind)).toEqual(['status-unknown']);
    r.h.close();
  });

  test.each([
    ['a dmarc=fail the sender wrote below our real header', [ar('pass'), 'Authentication-Results: mx.vendor.test; dmarc=fail header.from=customer.test']],
    ['a dmarc=fail from another server', ['Authentication-Results: mx.other.test; dmarc=fail header.from=customer.test']],
    ['a dmarc=fail for another domain', ['Authentication-Results: mx.vendor.test; dmarc=fail header.from=customer.test.evil.test']],
    ['no Authentication-Results at all', []],
  ])('is believed with %s', async (_what, headers) => {
    const r = await registered();
    expect(await r.send({ from: CUSTOMER, headers })).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
    r.h.close();
  });

  test('two From headers are no sender one can believe', async () => {
    const r = await registered();
    const out = await r.send({ from: CUSTOMER, headers: ['From: mallory@evil.test'] });
    expect(out).toMatchObject({ outcome: 'created', linkedTo: 'SUP-2026-000001' });
    expect(r.onTicket1()).toBe(1);
    r.h.close();
  });
});

test('the engineers are warned that a stranger\'s request names one its sender is not on', async () => {
  const r = await registered();
  await r.send({ from: 'mallory@evil.test', subject: 'Re: ваше письмо', headers: [`In-Reply-To: ${r.first.messageId}`] });
  const notices = r.h.all<{ text: string; ticket: string }>("SELECT o.text, t.number AS ticket FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE o.kind = 'notify-new' AND o.to_address = 'anna@vendor.test' ORDER BY o.id");
  expect(notices.map((n) => n.ticket)).toEqual(['SUP-2026-000001', 'SUP-2026-000002']);
  expect(notices[1].text).toContain('отправитель назвал обращение SUP-2026-000001, но не участвует в нём');
  expect(notices[0].text).not.toContain('не участвует');
  r.h.close();
});
