import { replyAddress } from '../../../src/auth/token';
import { buildMail } from '../../support/mails';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox, recordingOutbox } from '../../support/services';

/** Issue 14, part 1: the people a customer Cc's are participants of the request, copied on its mail. */
const mb = mailbox({ addresses: ['support@example.test', 'help@example.test'] });
const SUBJECT = 'Не печатает принтер';
const RE = `Re: [SUP-2026-000001] ${SUBJECT}`;
type Row = { kind: string; to_address: string; to_header: string | null; cc_json: string; message_id: string; text: string };

async function setup(opts: Parameters<typeof intakeHarness>[0] = {}, cc = 'Ольга <olga@customer.test>, petr@customer.test') {
  const h = intakeHarness({ engineers: ENGINEERS, ownAddresses: mb.addresses, ...opts });
  const send = (o: { from: string; to?: string; cc?: string; subject?: string; body?: string }) => {
    const m = buildMail({ from: o.from, to: o.to ?? 'support@example.test', cc: o.cc, subject: o.subject ?? RE, body: o.body ?? 'Есть новости?' });
    return h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  };
  const first = await send({ from: 'Иван <ivan@customer.test>', cc, subject: SUBJECT, body: 'Принтер в бухгалтерии не печатает.' });
  const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
  const engineer = (body: string) => send({ from: 'Анна <anna@vendor.test>', to: token, body });
  const rows = (kind: string) => h.all<Row>('SELECT kind, to_address, to_header, cc_json, message_id, text FROM outbox WHERE kind = ? ORDER BY id', kind);
  const participants = () => h.all<{ address: string; added_by: string; removed_by: string | null }>('SELECT address, added_by, removed_by FROM participants WHERE ticket_id = 1 ORDER BY id');
  const onTicket1 = () => h.all("SELECT id FROM messages WHERE ticket_id = 1 AND direction = 'in'").length;
  return { h, first, send, engineer, rows, participants, onTicket1 };
}

test("the To and Cc of the first mail are participants, added by the requester; never the desk's addresses, an engineer, the requester, or one twice", async () => {
  const s = await setup({}, 'Ольга <olga@customer.test>, petr@customer.test, help@example.test, support+x@example.test, anna@vendor.test, IVAN@customer.test, OLGA@Customer.Test');
  expect(s.first).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000001' });
  expect(s.participants()).toEqual([
    { address: 'olga@customer.test', added_by: 'ivan@customer.test', removed_by: null },
    { address: 'petr@customer.test', added_by: 'ivan@customer.test', removed_by: null },
  ]);
  s.h.close();
});

test('the registration reply goes To the requester with the participants in Cc: one copy each, each with its own Message-ID', async () => {
  const s = await setup();
  const reg = s.rows('registration');
  expect(reg.map((r) => [r.to_address, r.to_header, JSON.parse(r.cc_json)])).toEqual([
    ['ivan@customer.test', null, ['olga@customer.test', 'petr@customer.test']],
    ['olga@customer.test', 'ivan@customer.test', ['olga@customer.test', 'petr@customer.test']],
    ['petr@customer.test', 'ivan@customer.test', ['olga@customer.test', 'petr@customer.test']],
  ]);
  expect(new Set(reg.map((r) => r.message_id)).size).toBe(3);
  expect(new Set(reg.map((r) => r.text)).size).toBe(1);
  s.h.close();
});

test("an engineer's answer reaches the participants too; a participant's reply-all joins the request; a Cc of a later mail adds no one", async () => {
  const s = await setup();
  expect(await s.engineer('Перезагрузите принтер, пожалуйста.')).toMatchObject({ outcome: 'command', relayed: true });
  expect(s.rows('relay').map((r) => r.to_address)).toEqual(['ivan@customer.test', 'olga@customer.test', 'petr@customer.test']);
  // Olga answers all: joins, and her Cc'd colleague is not made a participant by it.
  const out = await s.send({ from: 'olga@customer.test', cc: 'ivan@customer.test, mallory@elsewhere.test', body: 'Перезагрузили, не помогло.' });
  expect(out).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
  expect(s.participants().map((p) => p.address)).toEqual(['olga@customer.test', 'petr@customer.test']);
  // A forged follow-up "from" the requester with a Cc: the Cc'd stranger gets nothing and cannot write in.
  await s.send({ from: 'ivan@customer.test', cc: 'eve@evil.test', body: 'Добавьте коллегу' });
  expect(s.participants().map((p) => p.address)).not.toContain('eve@evil.test');
  expect(await s.send({ from: 'eve@evil.test', body: 'Что там у вас?' })).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  await s.engineer('Заменим картридж.');
  expect(s.rows('relay').slice(3).map((r) => r.to_address)).toEqual(['ivan@customer.test', 'olga@customer.test', 'petr@customer.test']);
  s.h.close();
});

test('a participant asking the status gets the answer the requester gets; a stranger learns nothing', async () => {
  const s = await setup();
  await s.send({ from: 'petr@customer.test', subject: 'статус SUP-2026-000001', body: '' });
  await s.send({ from: 'eve@evil.test', subject: 'статус SUP-2026-000001', body: '' });
  const answers = s.h.all<{ kind: string; to_address: string; text: string }>("SELECT kind, to_address, text FROM outbox WHERE kind IN ('status', 'status-unknown') ORDER BY id");
  expect(answers.map((a) => [a.kind, a.to_address])).toEqual([
    ['status', 'petr@customer.test'],
    ['status-unknown', 'eve@evil.test'],
  ]);
  expect(answers[0].text).toContain(SUBJECT);
  expect(answers[1].text).not.toContain(SUBJECT);
  s.h.close();
});

test('#cc -address: removed (by whom, kept in the history), gets no more mail, and their mail no longer joins', async () => {
  const s = await setup();
  const out = await s.engineer('#cc -petr@customer.test\n\nПроверьте драйвер.');
  expect(out).toMatchObject({ outcome: 'command', applied: ['#cc -petr@customer.test'], relayed: true });
  expect(s.participants()).toContainEqual({ address: 'petr@customer.test', added_by: 'ivan@customer.test', removed_by: 'anna@vendor.test' });
  expect(s.rows('relay').map((r) => r.to_address)).toEqual(['ivan@customer.test', 'olga@customer.test']);
  expect(JSON.parse(s.rows('relay')[0].cc_json)).toEqual(['olga@customer.test']);
  const before = s.onTicket1();
  expect(await s.send({ from: 'petr@customer.test', body: 'А мне?' })).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  expect(s.onTicket1()).toBe(before);
  expect(s.rows('confirm').at(-1)!.text).toContain('olga@customer.test');
  s.h.close();
});

test('#cc +address adds one (by the engineer); adding one again, or removing one not on it, is said back and changes nothing', async () => {
  const s = await setup();
  await s.engineer('#cc +Sergey.K@customer.test\n#cc +olga@customer.test -nobody@customer.test\n\nПодключили коллегу.');
  expect(s.participants()).toContainEqual({ address: 'Sergey.K@customer.test', added_by: 'anna@vendor.test', removed_by: null });
  expect(s.rows('relay').map((r) => r.to_address)).toEqual(['ivan@customer.test', 'olga@customer.test', 'petr@customer.test', 'Sergey.K@customer.test']);
  const confirm = s.rows('confirm').at(-1)!.text;
  expect(confirm).toContain('olga@customer.test was on the request already');
  expect(confirm).toContain('nobody@customer.test was not on the request');
  expect(await s.send({ from: 'sergey.k@customer.test', body: 'Я тоже здесь.' })).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
  s.h.close();
});

test.each([
  ['#cc +help@example.test', 'an address of the desk itself'],
  ['#cc +support+t.x@example.test', 'an address of the desk itself'],
  ['#cc +boris@vendor.test', 'is an engineer'],
  ['#cc olga@customer.test', 'is not +address or -address'],
  ['#cc +not-an-address', 'is not +address or -address'],
  ['#cc', 'write #cc +address'],
  ['#requester help@example.test', 'an address of the desk itself'],
  ['#requester a@customer.test b@customer.test', 'one address'],
])('%s is refused with the whole message (%s)', async (command, reason) => {
  const s = await setup();
  const out = await s.engineer(`${command}\n\nТекст клиенту.`);
  expect(out).toMatchObject({ outcome: 'command', applied: [], relayed: false, refused: [{ source: command, reason: expect.stringContaining(reason) }] });
  expect(s.rows('relay')).toEqual([]);
  expect(s.participants().map((p) => p.address)).toEqual(['olga@customer.test', 'petr@customer.test']);
  s.h.close();
});

test('#requester address: the new requester is mailed To, the former one stays as a participant, the event says who', async () => {
  const s = await setup();
  await s.engineer('#requester olga@customer.test\n\nОльга, дальше пишем вам.');
  const [relay] = s.rows('relay');
  expect([relay.to_address, JSON.parse(relay.cc_json)]).toEqual(['olga@customer.test', ['petr@customer.test', 'ivan@customer.test']]);
  expect(s.h.all('SELECT requester_address FROM tickets WHERE id = 1')).toEqual([{ requester_address: 'olga@customer.test' }]);
  expect(s.participants().filter((p) => !p.removed_by).map((p) => p.address)).toEqual(['petr@customer.test', 'ivan@customer.test']);
  const [e] = s.h.all<{ actor: string; data_json: string }>("SELECT actor, data_json FROM events WHERE type = 'requester.changed'");
  expect([e.actor, JSON.parse(e.data_json)]).toEqual(['anna@vendor.test', { from: 'ivan@customer.test', to: 'olga@customer.test' }]);
  s.h.close();
});

test('requests.participants none: nobody is taken from the mail, and a Cc\'d colleague\'s mail opens a request of its own', async () => {
  const s = await setup({ participants: { from: 'none', max: 10 } });
  expect(s.participants()).toEqual([]);
  expect(s.rows('registration').map((r) => r.to_address)).toEqual(['ivan@customer.test']);
  expect(await s.send({ from: 'olga@customer.test', body: 'И у меня.' })).toMatchObject({ outcome: 'created' });
  s.h.close();
});

test('requests.cc_participants_on_replies false: participants write in, but only the requester is mailed', async () => {
  const s = await setup({ ccOnReplies: false });
  expect(s.rows('registration').map((r) => [r.to_address, r.cc_json])).toEqual([['ivan@customer.test', '[]']]);
  expect(await s.send({ from: 'olga@customer.test', body: 'И у меня.' })).toMatchObject({ outcome: 'appended' });
  s.h.close();
});

test('at most max_participants are taken from one mail; the rest are named in an event', async () => {
  const cc = Array.from({ length: 5 }, (_, i) => `p${i}@customer.test`).join(', ');
  const s = await setup({ participants: { from: 'cc', max: 3 } }, cc);
  expect(s.participants().map((p) => p.address)).toEqual(['p0@customer.test', 'p1@customer.test', 'p2@customer.test']);
  expect(s.rows('registration')).toHaveLength(4);
  const [e] = s.h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'participants.skipped'");
  expect(JSON.parse(e.data_json)).toEqual({ max: 3, skipped: ['p3@customer.test', 'p4@customer.test'] });
  s.h.close();
});

test('forged: an engineer’s From without proof, or a customer, writing #cc +stranger or #requester adds no one and hands nothing over', async () => {
  const s = await setup();
  // The engineer's address, but to the plain support address (no signed reply address) and no DKIM: not proven.
  const forged = await s.send({ from: 'Анна <anna@vendor.test>', body: '#cc +eve@evil.test\n#requester eve@evil.test\n\nДобавила коллегу.' });
  expect(forged).toMatchObject({ outcome: 'rejected', ticketNumber: 'SUP-2026-000001' });
  const customer = await s.send({ from: 'ivan@customer.test', body: '#cc +eve@evil.test\n#requester eve@evil.test' });
  expect(customer).toMatchObject({ outcome: 'appended' });
  expect(s.participants().map((p) => p.address)).toEqual(['olga@customer.test', 'petr@customer.test']);
  expect(s.h.all('SELECT requester_address FROM tickets WHERE id = 1')).toEqual([{ requester_address: 'ivan@customer.test' }]);
  expect(s.h.all("SELECT id FROM outbox WHERE to_address = 'eve@evil.test'")).toEqual([]);
  s.h.close();
});

test("a participant's copy is capped and suppressed on its own: a bounced colleague's copy is held, the others go", async () => {
  const h = intakeHarness({ engineers: ENGINEERS, ownAddresses: mb.addresses });
  h.db.$client.prepare("INSERT INTO suppressions (address, until, reason, created_at) VALUES ('petr@customer.test', '2099-01-01T00:00:00.000Z', '5.1.1 user unknown', ?)").run(h.clock.now().toISOString());
  const { worker, sent } = recordingOutbox(h, { gate: { perRecipient: [{ minutes: 10, max: 1 }], global: [], internal: [] } });
  const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', cc: 'olga@customer.test, petr@customer.test', subject: SUBJECT, body: 'x' });
  await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  expect(sent.filter((x) => x.envelopeTo !== 'anna@vendor.test').map((x) => [x.envelopeTo, x.to, x.cc])).toEqual([
    ['ivan@customer.test', 'ivan@customer.test', ['olga@customer.test', 'petr@customer.test']],
    ['olga@customer.test', 'ivan@customer.test', ['olga@customer.test', 'petr@customer.test']],
  ]);
  expect(h.all("SELECT to_address, status FROM outbox WHERE kind = 'registration' ORDER BY id").map((r) => Object.values(r as object))).toEqual([
    ['ivan@customer.test', 'sent'],
    ['olga@customer.test', 'sent'],
    ['petr@customer.test', 'held'],
  ]);
  // Olga's cap (1 in 10 minutes) holds her next copy only; Ivan's is held by his own.
  const again = buildMail({ from: 'olga@customer.test', to: 'support@example.test', subject: 'второе', body: 'y' });
  await h.intake.process({ raw: again.raw, mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  expect(h.all<{ status: string }>("SELECT status FROM outbox WHERE kind = 'registration' AND to_address = 'olga@customer.test' ORDER BY id").map((r) => r.status)).toEqual(['sent', 'held']);
  h.close();
});

test("a reply to a closed request opens a continuation with the closed one's people, not the reply's Cc (a forged one brings no one in)", async () => {
  const s = await setup();
  s.h.db.$client.prepare("UPDATE tickets SET status = 'closed', resolved_at = ? WHERE id = 1").run(s.h.clock.now().toISOString());
  const out = await s.send({ from: 'ivan@customer.test', cc: 'attacker@evil.test', body: 'Снова не печатает.' });
  expect(out).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  expect(s.h.all<{ address: string }>('SELECT address FROM participants WHERE ticket_id = 2 ORDER BY id').map((p) => p.address)).toEqual(['olga@customer.test', 'petr@customer.test']);
  // Olga writes after the close: her continuation has Ivan and Petr in it, and she is its requester.
  s.h.db.$client.prepare("UPDATE tickets SET status = 'closed', resolved_at = ? WHERE id = 2").run(s.h.clock.now().toISOString());
  await s.send({ from: 'olga@customer.test', subject: 'Re: [SUP-2026-000002] Не печатает принтер', body: 'И снова.' });
  expect(s.h.all<{ address: string }>('SELECT address FROM participants WHERE ticket_id = 3 ORDER BY id').map((p) => p.address)).toEqual(['ivan@customer.test', 'petr@customer.test']);
  expect(s.h.all("SELECT id FROM outbox WHERE to_address = 'attacker@evil.test'")).toEqual([]);
  s.h.close();
});

test("the engineer's notification of a new request names its participants, so a Cc nobody asked for can be taken off", async () => {
  const s = await setup();
  const [note] = s.h.all<{ text: string; html: string }>("SELECT text, html FROM outbox WHERE kind = 'notify-new'");
  expect(note.text).toContain('Участники (в копии писем клиенту; #cc -адрес убирает): olga@customer.test, petr@customer.test');
  expect(note.html).toContain('olga@customer.test, petr@customer.test');
  s.h.close();
});

test('an engineer written in another spelling (capitals, a trailing dot) is not made a participant', async () => {
  const s = await setup({}, 'ANNA@Vendor.Test., olga@customer.test');
  expect(s.participants().map((p) => p.address)).toEqual(['olga@customer.test']);
  s.h.close();
});

describe('requests.participants proven: the first mail\'s Cc is taken only when our own server vouches for its From', () => {
  const first = (ar: string | null) => {
    const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', cc: 'olga@customer.test', subject: SUBJECT, body: 'x' });
    return ar ? Buffer.from(m.raw.toString('latin1').replace('MIME-Version: 1.0', `Authentication-Results: ${ar}\r\nMIME-Version: 1.0`), 'latin1') : m.raw;
  };
  test.each([
    ['dmarc=pass for the From domain, from our server', 'mx.vendor.test; dkim=pass header.d=customer.test; dmarc=pass header.from=customer.test', ['olga@customer.test']],
    ['no Authentication-Results', null, []],
    ['dmarc=pass for another domain', 'mx.vendor.test; dmarc=pass header.from=evil.test', []],
    ['dmarc=pass from a server that is not ours', 'mx.evil.test; dmarc=pass header.from=customer.test', []],
    ['dmarc=fail', 'mx.vendor.test; dmarc=fail header.from=customer.test', []],
  ])('%s', async (_what, ar, expected) => {
    const h = intakeHarness({ engineers: ENGINEERS, ownAddresses: mb.addresses, participants: { from: 'proven', max: 10 } });
    await h.intake.process({ raw: first(ar), mailbox: mb, receivedAt: h.clock.now() });
    expect(h.all<{ address: string }>('SELECT address FROM participants').map((p) => p.address)).toEqual(expected);
    expect(h.all<{ to_address: string }>("SELECT to_address FROM outbox WHERE kind = 'registration'").map((r) => r.to_address)).toEqual(['ivan@customer.test', ...expected]);
    h.close();
  });
});
