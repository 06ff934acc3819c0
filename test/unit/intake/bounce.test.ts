import fs from 'node:fs';
import path from 'node:path';
import { parseBounce } from '../../../src/mail/dsn';
import { parseEmail } from '../../../src/mail/parse';
import type { OutboxWorker } from '../../../src/outbox/worker';
import { buildMail } from '../../support/mails';
import { ENGINEERS, intakeHarness, mailbox, recordingOutbox } from '../../support/services';

const mb = mailbox();
const customer = 'ivan@customer.test';


/** A request registered and its reply sent through a worker with the given caps. */
async function registered(gate?: ConstructorParameters<typeof OutboxWorker>[0]['gate']) {
  const h = intakeHarness({ engineers: ENGINEERS });
  const { worker, sent } = recordingOutbox(h, { gate });
  const m = buildMail({ from: customer, to: 'support@example.test', subject: 'VPN down', body: 'It fails.' });
  await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  const reply = sent.find((x) => x.to === customer)!;
  return { h, worker, sent, reply };
}

function dsn(returnedId: string, recipient: string, status = '5.1.1'): Buffer {
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      'To: support@example.test',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${Math.random()}@mx.customer.test>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'I am sorry to have to inform you that your message could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.test',
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      'Action: failed',
      `Status: ${status}`,
      `Diagnostic-Code: smtp; 550 ${status} <${recipient}>: Recipient address rejected`,
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: support@example.test',
      `Message-ID: ${returnedId}`,
      '--B--',
      '',
    ].join('\r\n'),
  );
}

test('a bounce of our reply joins its request as a delivery failure: engineer told, address suppressed, nobody answered', async () => {
  const { h, worker, sent, reply } = await registered({ perRecipient: [], global: [], internal: ENGINEERS.map((e) => e.address) });
  const before = sent.length;
  const out = await h.intake.process({ raw: dsn(reply.messageId, customer), mailbox: mb, receivedAt: h.clock.now() });
  expect(out).toMatchObject({ outcome: 'bounced', ticketNumber: 'SUP-2026-000001', recipients: [customer], suppressed: [customer] });
  expect(h.all('SELECT status FROM tickets')).toEqual([{ status: 'new' }]);
  expect(h.all('SELECT ticket_id FROM messages WHERE direction = ? ORDER BY id', 'in')).toEqual([{ ticket_id: 1 }, { ticket_id: 1 }]);
  const [failed] = h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'delivery.failed'");
  expect(JSON.parse(failed.data_json)).toMatchObject({ returned: reply.messageId, failures: [{ address: customer, status: '5.1.1', permanent: true }] });
  expect(h.all('SELECT status FROM outbox WHERE message_id = ?', reply.messageId)).toEqual([{ status: 'bounced' }]);
  expect(h.all<{ address: string; until: string }>('SELECT address, until FROM suppressions')).toEqual([{ address: customer, until: '2026-11-23T09:30:00.000Z' }]);

  await worker.flush();
  const told = sent.slice(before);
  expect(told.map((m) => m.to)).toEqual(['anna@vendor.test']);
  expect(told[0].text).toMatch(/не доставлено[\s\S]*ivan@customer.test: 5\.1\.1/);
});

test('a suppressed address gets no automatic mail until the suppression ends; an engineer\'s answer still goes', async () => {
  const { h, worker, sent, reply } = await registered({ perRecipient: [], global: [], internal: ENGINEERS.map((e) => e.address) });
  await h.intake.process({ raw: dsn(reply.messageId, customer), mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  const again = buildMail({ from: customer, to: 'support@example.test', subject: 'Another problem', body: 'Printer.' });
  await h.intake.process({ raw: again.raw, mailbox: mb, receivedAt: h.clock.now() });
  const n = sent.length;
  await worker.flush();
  expect(sent.slice(n).map((m) => m.to)).toEqual(['anna@vendor.test']); // the engineer's notification, not the registration reply
  const held = h.all<{ kind: string; status: string; last_error: string }>("SELECT kind, status, last_error FROM outbox WHERE status = 'held'");
  expect(held).toEqual([{ kind: 'registration', status: 'held', last_error: expect.stringMatching(/^suppressed until 2026-11-23T09:30:00.000Z \(bounced: 5\.1\.1 userunknown\)/) }]);
  expect(h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'mail.held'")).toHaveLength(1);

  h.clock.advance(73 * 3600_000);
  const third = buildMail({ from: customer, to: 'support@example.test', subject: 'Third', body: 'Scanner.' });
  await h.intake.process({ raw: third.raw, mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  // The reply held by the suppression goes out by itself once it has ended, before the newer one.
  expect(sent.filter((m) => m.to === customer).map((m) => m.subject)).toEqual(['[SUP-2026-000001] VPN down', '[SUP-2026-000002] Another problem', '[SUP-2026-000003] Third']);
  expect(h.all("SELECT * FROM outbox WHERE status = 'held'")).toHaveLength(0);
  expect(h.all<{ actor: string }>("SELECT actor FROM events WHERE type = 'mail.released'")).toEqual([{ actor: 'system' }]);
});

test('a bounce that returns none of our mail is kept, opens no request and silences nobody', async () => {
  const h = intakeHarness({ engineers: ENGINEERS });
  const out = await h.intake.process({ raw: dsn('<not-ours@elsewhere.test>', 'victim@elsewhere.test'), mailbox: mb, receivedAt: h.clock.now() });
  expect(out).toMatchObject({ outcome: 'bounced', ticketNumber: null, recipients: ['victim@elsewhere.test'], suppressed: [] });
  expect(h.all('SELECT * FROM tickets')).toHaveLength(0);
  expect(h.all('SELECT ticket_id, automated IS NOT NULL AS automated FROM messages')).toEqual([{ ticket_id: null, automated: 1 }]);
  expect(h.all('SELECT * FROM outbox')).toHaveLength(0);
  expect(h.all('SELECT * FROM suppressions')).toHaveLength(0);
});

test('our own mail coming back (our Message-ID, or our loop header) is never answered', async () => {
  const { h, worker, sent, reply } = await registered();
  const headers = Object.entries(reply.headers).map(([k, v]) => `${k}: ${v}`);
  // A mail server that forwards our reply back to the desk, unchanged.
  const back = Buffer.from([`From: support@example.test`, `To: support@example.test`, `Subject: ${reply.subject}`, `Message-ID: ${reply.messageId}`, ...headers, '', reply.text].join('\r\n'));
  const out = await h.intake.process({ raw: back, mailbox: mb, receivedAt: h.clock.now() });
  // From our own address: it joins no request (anyone can write that From), and is kept as a loop.
  expect(out).toMatchObject({ outcome: 'ignored', reason: 'loop', ticketNumber: null });
  expect(JSON.parse(h.all<{ automated: string }>('SELECT automated FROM messages ORDER BY id DESC LIMIT 1')[0].automated)).toMatchObject({ kind: 'loop' });
  // Our Message-ID, nothing else to thread by: kept without a request.
  const bare = Buffer.from(`From: someone@else.test\r\nTo: support@example.test\r\nSubject: fwd\r\nMessage-ID: ${reply.messageId}\r\n\r\nx\r\n`);
  const h2 = intakeHarness();
  h2.db.$client.prepare("INSERT INTO outbox (kind, mailbox, message_id, from_address, from_name, to_address, subject, text, next_attempt_at, created_at) VALUES ('registration','support',?,'support@example.test','S','x@y.test','s','t','2026-01-01','2026-01-01')").run(reply.messageId);
  expect(await h2.intake.process({ raw: bare, mailbox: mb, receivedAt: h2.clock.now() })).toMatchObject({ outcome: 'ignored', reason: 'loop' });
  expect(h2.all('SELECT ticket_id FROM messages')).toEqual([{ ticket_id: null }]);
  const n = sent.length;
  await worker.flush();
  expect(sent.length).toBe(n);
  expect(reply.headers['X-Helpdesk-Loop']).toBe('support@example.test');
  h2.close();
});

test('an out-of-office reply is appended without ending the wait for the customer', async () => {
  const { h, worker, sent } = await registered();
  h.db.$client.prepare("UPDATE tickets SET status = 'awaiting_info'").run();
  const ooo = Buffer.from(`From: ${customer}\r\nTo: support@example.test\r\nSubject: Automatic reply: [SUP-2026-000001] VPN down\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <ooo@customer.test>\r\n\r\nI am away until Monday.\r\n`);
  expect(await h.intake.process({ raw: ooo, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'appended', ticketNumber: 'SUP-2026-000001' });
  expect(h.all('SELECT status FROM tickets')).toEqual([{ status: 'awaiting_info' }]);
  const n = sent.length;
  await worker.flush();
  expect(sent.length).toBe(n);
});

/** sisimai's bounces (BSD-2-Clause) that quote the returned message's Message-ID. */
const fixtures = path.join(__dirname, '../../fixtures/sisimai/bsd');
const returning = fs
  .readdirSync(fixtures)
  .filter((f) => f.startsWith('lhost-') || f.startsWith('rfc3464'))
  .map((f) => ({ f, raw: fs.readFileSync(path.join(fixtures, f), 'latin1') }))
  .filter(({ raw }) => /^message-id:/im.test(raw.slice(raw.search(/\r?\n\r?\n/))));

test('13 or more fixture bounces quote the returned Message-ID', () => expect(returning.length).toBeGreaterThanOrEqual(13));

test.each(returning)('$f attaches to the request whose reply it returns', async ({ raw }) => {
  const { h, reply } = await registered();
  const body = raw.search(/\r?\n\r?\n/);
  // Make the returned message our reply to the address that failed, as it would be in production.
  const failed = (await parseEmail(Buffer.from(raw, 'latin1')).then((m) => parseBounce(Buffer.from(raw, 'latin1'), m))).recipients[0].address;
  const ours = (raw.slice(0, body) + raw.slice(body).replace(/^(message-id):.*$/gim, (_l, name: string) => `${name}: ${reply.messageId}`)).split(new RegExp(failed.replace(/[.+]/g, '\\$&'), 'gi')).join(customer);
  const out = await h.intake.process({ raw: Buffer.from(ours, 'latin1'), mailbox: mb, receivedAt: h.clock.now() });
  expect(out).toMatchObject({ outcome: 'bounced', ticketNumber: 'SUP-2026-000001' });
  expect((out as { recipients: string[] }).recipients.length).toBeGreaterThanOrEqual(1);
  expect(h.all('SELECT status FROM outbox WHERE message_id = ?', reply.messageId)).toEqual([{ status: 'bounced' }]);
  expect(h.all('SELECT count(*) AS n FROM tickets')).toEqual([{ n: 1 }]);
});

/** A text bounce (no delivery-status part), from any sender, naming any address; the returned headers are given as lines. */
function textBounce(o: { from: string; failed: string; reply: string; returned: string[] }): Buffer {
  return Buffer.from(
    [
      `From: ${o.from}`,
      'To: support@example.test',
      'Subject: Mail delivery failed: returning message to sender',
      `Message-ID: <text-${Math.random()}@bounce.test>`,
      `X-Failed-Recipients: ${o.failed}`,
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      `  ${o.failed}`,
      `    SMTP error from remote mail server after RCPT TO:<${o.failed}>:`,
      `    host mx.customer.test [192.0.2.7]: ${o.reply}`,
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      ...o.returned,
      '',
      'Your request has been registered.',
      '',
    ].join('\r\n'),
  );
}

/** What a bounce changed: suppressions, the reply's outbox row, and what the worker sends now. */
async function effects(h: Awaited<ReturnType<typeof registered>>['h'], worker: OutboxWorker, sent: { to: string }[], replyId: string) {
  const n = sent.length;
  await worker.flush();
  return {
    suppressed: h.all<{ address: string }>('SELECT address FROM suppressions').map((r) => r.address),
    reply: h.all<{ status: string }>('SELECT status FROM outbox WHERE message_id = ?', replyId)[0].status,
    mailed: sent.slice(n).map((m) => m.to),
    joined: h.all<{ ticket_id: number | null }>("SELECT ticket_id FROM messages WHERE direction = 'in' ORDER BY id DESC LIMIT 1")[0].ticket_id,
  };
}

test('a forged bounce (anyone as mailer-daemon, X-Failed-Recipients of a customer) silences nobody; the honest one, returning our reply, does', async () => {
  const forged = await registered();
  const bad = textBounce({ from: 'mailer-daemon@evil.example', failed: customer, reply: '550 5.1.1 User unknown', returned: ['From: support@example.test', 'Message-ID: <guess@example.test>'] });
  expect(await forged.h.intake.process({ raw: bad, mailbox: mb, receivedAt: forged.h.clock.now() })).toMatchObject({ outcome: 'bounced', recipients: [customer], suppressed: [] });
  expect(await effects(forged.h, forged.worker, forged.sent, forged.reply.messageId)).toEqual({ suppressed: [], reply: 'sent', mailed: [], joined: null });
  const [ev] = forged.h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'delivery.failed'");
  expect(JSON.parse(ev.data_json)).toMatchObject({ proven: false, failures: [{ address: customer, reason: 'userunknown', hard: true, proven: false }] });
  // Her next mail is answered as usual.
  await forged.h.intake.process({ raw: buildMail({ from: customer, to: 'support@example.test', subject: 'Again', body: 'x' }).raw, mailbox: mb, receivedAt: forged.h.clock.now() });
  await forged.worker.flush();
  expect(forged.sent.filter((m) => m.to === customer)).toHaveLength(2);

  const honest = await registered();
  const good = textBounce({ from: 'Mailer-Daemon@mx.customer.test', failed: customer, reply: '550 5.1.1 User unknown', returned: ['From: support@example.test', `Message-ID: ${honest.reply.messageId}`] });
  expect(await honest.h.intake.process({ raw: good, mailbox: mb, receivedAt: honest.h.clock.now() })).toMatchObject({ outcome: 'bounced', ticketNumber: 'SUP-2026-000001', suppressed: [customer] });
  expect(await effects(honest.h, honest.worker, honest.sent, honest.reply.messageId)).toEqual({ suppressed: [customer], reply: 'bounced', mailed: ['anna@vendor.test'], joined: 1 });
});

test('an X-Helpdesk-Request line in a bounce proves nothing: it joins no request and tells nobody', async () => {
  const { h, worker, sent, reply } = await registered();
  const raw = textBounce({
    from: 'mailer-daemon@evil.example',
    failed: 'victim@elsewhere.test',
    reply: '550 5.1.1 User unknown',
    returned: ['From: support@example.test', 'Message-ID: <guess@example.test>', 'X-Helpdesk-Request: SUP-2026-000001'],
  });
  expect(await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'bounced', ticketNumber: null, suppressed: [] });
  expect(await effects(h, worker, sent, reply.messageId)).toEqual({ suppressed: [], reply: 'sent', mailed: [], joined: null });
  expect(h.all("SELECT * FROM events WHERE type = 'engineer.notified' AND data_json LIKE '%bounce%'")).toHaveLength(0);
});

test('our Message-ID proves only the address our mail went to: naming another address we wrote to silences nobody', async () => {
  const { h, worker, sent, reply } = await registered();
  const olga = 'olga@customer.test';
  await h.intake.process({ raw: buildMail({ from: olga, to: 'support@example.test', subject: 'Mine', body: 'x' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  // Someone who saw the Message-ID of our reply to ivan (a Cc'd colleague) claims olga's address failed.
  const forged = dsn(reply.messageId, olga);
  expect(await h.intake.process({ raw: forged, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'bounced', ticketNumber: null, suppressed: [] });
  expect(await effects(h, worker, sent, reply.messageId)).toEqual({ suppressed: [], reply: 'sent', mailed: [], joined: null });
  // The same bounce naming ivan, whom the reply went to, is the proof.
  expect(await h.intake.process({ raw: dsn(reply.messageId, customer), mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ ticketNumber: 'SUP-2026-000001', suppressed: [customer] });
});

test.each([
  { status: '5.1.1', words: 'User unknown', reason: 'userunknown', hard: true },
  { status: '5.1.2', words: 'Host unknown: domain not found', reason: 'hostunknown', hard: true },
  { status: '5.2.2', words: 'Mailbox full', reason: 'mailboxfull', hard: false },
  { status: '5.7.1', words: 'Client host blocked using zen.spamhaus.org', reason: 'blocked', hard: false },
  { status: '5.7.1', words: 'Message rejected as spam', reason: 'spamdetected', hard: false },
  { status: '5.2.0', words: 'Message filtered by the recipient', reason: 'filtered', hard: false },
  { status: '4.4.7', words: 'Delivery time expired', reason: 'expired', hard: false },
  { status: '4.7.0', words: 'Rate limited, try again later', reason: 'ratelimited', hard: false },
])('a bounce of our reply for $reason ($status) is hard: $hard; only hard suppresses', async ({ status, words, reason, hard }) => {
  const { h, worker, sent, reply } = await registered();
  const raw = Buffer.from(dsn(reply.messageId, customer, status).toString('utf8').replace(/Recipient address rejected/, words));
  expect(await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'bounced', ticketNumber: 'SUP-2026-000001', suppressed: hard ? [customer] : [] });
  const [ev] = h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'delivery.failed'");
  expect(JSON.parse(ev.data_json)).toMatchObject({ proven: true, failures: [{ address: customer, status, reason, hard, proven: true }] });
  // Either way the outbox row is bounced and the engineer told: a soft failure is still worth knowing.
  expect(await effects(h, worker, sent, reply.messageId)).toEqual({ suppressed: hard ? [customer] : [], reply: 'bounced', mailed: ['anna@vendor.test'], joined: 1 });
});

test('a bounce whose returned Message-ID is folded onto the next header line is matched to our reply', async () => {
  const { h, worker, sent, reply } = await registered();
  const folded = textBounce({ from: 'Mailer-Daemon@mx.customer.test', failed: customer, reply: '550 5.1.1 User unknown', returned: ['From: support@example.test', 'Message-ID:', `        ${reply.messageId}`, 'Subject: x'] });
  expect(await h.intake.process({ raw: folded, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'bounced', ticketNumber: 'SUP-2026-000001', suppressed: [customer] });
  expect(await effects(h, worker, sent, reply.messageId)).toEqual({ suppressed: [customer], reply: 'bounced', mailed: ['anna@vendor.test'], joined: 1 });
});

test('a second recipient quoted inside the returned message is not read, nor silenced', async () => {
  const { h, worker, sent, reply } = await registered();
  const olga = 'olga@customer.test';
  await h.intake.process({ raw: buildMail({ from: olga, to: 'support@example.test', subject: 'Mine', body: 'x' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  await worker.flush();
  // Our reply quoted a bounce report for olga (say, the customer pasted one); the real report is about ivan's mailbox being full.
  const raw = Buffer.from(
    dsn(reply.messageId, customer, '5.2.2')
      .toString('utf8')
      .replace('Content-Type: text/rfc822-headers', 'Content-Type: message/rfc822')
      .replace(`Message-ID: ${reply.messageId}\r\n`, `Message-ID: ${reply.messageId}\r\n\r\nFinal-Recipient: rfc822; ${olga}\r\nAction: failed\r\nStatus: 5.1.1\r\n`),
  );
  expect(await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'bounced', recipients: [customer], suppressed: [] });
  expect(h.all('SELECT * FROM suppressions')).toEqual([]);
});
