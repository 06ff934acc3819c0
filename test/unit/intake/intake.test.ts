import { isTransient } from '../../../src/storage/faults';
import fs from 'node:fs';
import path from 'node:path';
import { buildMail } from '../../support/mails';
import { intakeHarness, mailbox } from '../../support/services';
import { tmpDir } from '../../support/env';

const customer = 'Иван Петров <ivan@customer.test>';
const mb = mailbox();

test('a customer mail becomes request SUP-<year>-000001 with its message, an event and a queued registration reply', async () => {
  const h = intakeHarness();
  const m = buildMail({ from: customer, to: 'support@example.test', subject: 'Не работает вход', body: 'Помогите' });
  const out = await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: new Date('2026-11-20T09:30:00Z') });
  expect(out).toEqual({ outcome: 'created', ticketNumber: 'SUP-2026-000001', messageId: m.messageId, replyQueued: true });
  const [t] = h.all<{ number: string; status: string; requester_address: string; requester_name: string; created_at: string }>('SELECT * FROM tickets');
  expect(t).toMatchObject({ number: 'SUP-2026-000001', status: 'new', requester_address: 'ivan@customer.test', requester_name: 'Иван Петров', created_at: '2026-11-20T09:30:00.000Z' });
  const [o] = h.all<{ subject: string; to_address: string; in_reply_to: string; references_json: string; text: string; from_address: string }>('SELECT * FROM outbox');
  expect(o.subject).toBe('[SUP-2026-000001] Не работает вход');
  expect(o.to_address).toBe('ivan@customer.test');
  expect(o.from_address).toBe('support@example.test');
  expect(o.in_reply_to).toBe(m.messageId);
  expect(JSON.parse(o.references_json)).toEqual([m.messageId]);
  expect(o.text).toContain('Регистрационный номер: SUP-2026-000001');
  expect(o.text).toContain('Получено: 20.11.2026, 12:30 (Europe/Moscow)'); // in the customer's (mailbox) time zone
  expect(o.text).toContain('Здравствуйте, Иван Петров!');
  expect(h.all<{ type: string }>('SELECT type FROM events ORDER BY id').map((e) => e.type)).toEqual(['ticket.created', 'reply.queued']);
  expect(h.queuedCalls()).toBe(1);
  const raw = h.all<{ raw_sha256: string }>('SELECT raw_sha256 FROM messages')[0].raw_sha256;
  expect(fs.readFileSync(path.join(h.dataDir, 'raw', raw.slice(0, 2), raw))).toEqual(m.raw);
  h.close();
});

test('numbers increase strictly, and restart with the year of arrival', async () => {
  const h = intakeHarness();
  const got: string[] = [];
  for (const at of ['2025-12-31T10:00:00Z', '2025-12-31T20:00:00Z', '2025-12-31T21:30:00Z', '2026-01-02T08:00:00Z']) {
    const m = buildMail({ from: customer, to: 'support@example.test', subject: at, body: 'x' });
    got.push(((await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: new Date(at) })) as { ticketNumber: string }).ticketNumber);
  }
  // 21:30 UTC on 31 Dec is 00:30 on 1 Jan in Moscow.
  expect(got).toEqual(['SUP-2025-000001', 'SUP-2025-000002', 'SUP-2026-000001', 'SUP-2026-000002']);
  h.close();
});

test('the same mail twice (same Message-ID) gives one request', async () => {
  const h = intakeHarness();
  const m = buildMail({ from: customer, to: 'support@example.test', subject: 'twice', body: 'x' });
  const first = await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  const second = await h.intake.process({ raw: Buffer.concat([Buffer.from('X-Extra: relayed again\r\n'), m.raw]), mailbox: mb, receivedAt: h.clock.now() });
  expect(second).toEqual({ outcome: 'ignored', reason: 'duplicate', ticketNumber: (first as { ticketNumber: string }).ticketNumber, messageId: m.messageId });
  expect(h.all('SELECT * FROM tickets')).toHaveLength(1);
  expect(h.all('SELECT * FROM outbox')).toHaveLength(1);
  h.close();
});

test('without a Message-ID the same bytes are a duplicate, different bytes are not', async () => {
  const h = intakeHarness();
  const noId = (body: string) => Buffer.from(`From: ivan@customer.test\r\nTo: support@example.test\r\nSubject: no id\r\n\r\n${body}\r\n`);
  await h.intake.process({ raw: noId('one'), mailbox: mb, receivedAt: h.clock.now() });
  expect((await h.intake.process({ raw: noId('one'), mailbox: mb, receivedAt: h.clock.now() })).outcome).toBe('ignored');
  expect((await h.intake.process({ raw: noId('two'), mailbox: mb, receivedAt: h.clock.now() })).outcome).toBe('created');
  expect(h.all('SELECT * FROM tickets')).toHaveLength(2);
  h.close();
});

test.each([
  ['an auto-reply', 'Auto-Submitted: auto-replied\r\n', 'ivan@customer.test', /automated \(Auto-Submitted/],
  ['a list mail', 'Precedence: list\r\n', 'ivan@customer.test', /automated \(Precedence/],
  ['a no-reply sender', '', 'noreply@bank.test', /no-reply address/],
])('%s is stored as a request but never answered', async (_what, extra, from, reason) => {
  const h = intakeHarness();
  const raw = Buffer.from(`From: ${from}\r\nTo: support@example.test\r\n${extra}Subject: Out of office\r\nMessage-ID: <${Math.random()}@x>\r\n\r\nI am away.\r\n`);
  const out = await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  expect(out).toMatchObject({ outcome: 'created', replyQueued: false, replySuppressed: expect.stringMatching(reason) });
  expect(h.all('SELECT * FROM outbox')).toHaveLength(0);
  expect(h.all<{ type: string }>('SELECT type FROM events ORDER BY id').map((e) => e.type)).toEqual(['ticket.created', 'reply.suppressed']);
  h.close();
});

test('an attachment over the limit is recorded as skipped; the request is still registered', async () => {
  const h = intakeHarness({ attachmentMaxBytes: 1000 });
  const big = Buffer.alloc(5000, 7);
  const m = buildMail({ from: customer, to: 'support@example.test', subject: 'big', body: 'see log', attachment: { filename: 'big.log', contentType: 'text/plain', content: big } });
  expect((await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() })).outcome).toBe('created');
  const [a] = h.all<{ filename: string; size: number; stored: number; skip_reason: string; sha256: string }>('SELECT * FROM attachments');
  expect(a).toMatchObject({ filename: 'big.log', size: 5000, stored: 0 });
  expect(a.skip_reason).toMatch(/5000 > 1000/);
  expect(fs.existsSync(path.join(h.dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256))).toBe(false);
  expect(h.all<{ type: string }>("SELECT type FROM events WHERE type = 'attachment.skipped'")).toHaveLength(1);
  h.close();
});

test('all or nothing: when the reply cannot be rendered, nothing is stored and no number is used up', async () => {
  const broken = tmpDir('tpl');
  fs.writeFileSync(path.join(broken, 'registration.ru.hbs'), '{{number}} {{noSuchField}}');
  const h = intakeHarness({ templatesDir: broken });
  const m = buildMail({ from: customer, to: 'support@example.test', subject: 'x', body: 'x' });
  await expect(h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() })).rejects.toThrow(/noSuchField/);
  for (const table of ['tickets', 'messages', 'events', 'outbox', 'counters']) expect(h.all(`SELECT * FROM ${table}`)).toHaveLength(0);
  h.close();
});

test('when another process stores the same mail between our check and our commit, the database keeps it to one request', async () => {
  // Without the duplicate filter, only the unique dedup key can stop the second request.
  const h = intakeHarness({ filters: [] });
  const m = buildMail({ from: customer, to: 'support@example.test', subject: 'race', body: 'x' });
  await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  const second = await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  expect(second).toMatchObject({ outcome: 'ignored', reason: 'duplicate', ticketNumber: 'SUP-2026-000001' });
  expect(h.all('SELECT * FROM tickets')).toHaveLength(1);
  expect(h.all('SELECT * FROM counters')).toEqual([{ scope: '2026', value: 1 }]); // the rolled-back number is not used up
  h.close();
});

test('which errors leave a message in the mailbox (transient) and which send it to quarantine', () => {
  for (const code of ['SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'ENOSPC', 'EIO', 'EDQUOT']) expect(isTransient(Object.assign(new Error(code), { code }))).toBe(true);
  for (const e of [new TypeError("Cannot use 'in' operator"), Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_NOTNULL' }), new RangeError('Invalid time value')]) expect(isTransient(e)).toBe(false);
});
