/**
 * The whole path on real mx.servers: customer mail submitted to Postfix, delivered
 * by LMTP into Dovecot, registered by the daemon (a real child process), and
 * the registration reply read back from the customer's mailbox over IMAP.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail, mixedBatch } from '../support/mails';
import { exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, clearFolder, countIn, messagesIn } from '../support/imap';

jest.setTimeout(180_000);


const mx = useMailServers();

afterEach(async () => {
  await clearFolder(mx.servers, CUSTOMER);
  await clearFolder(mx.servers, SUPPORT);
  await clearFolder(mx.servers, SUPPORT, 'Stored');
});

test('20 customer emails over SMTP give 20 consecutive requests and 20 threaded registration replies', async () => {
  const dir = tmpDir('e2e');
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir });
  const log = path.join(dir, 'daemon.log');
  const daemon = startDaemon(config, log);
  try {
    const batch = mixedBatch(`Иван Петров <${CUSTOMER.address}>`, SUPPORT.address).map(buildMail);
    expect(batch).toHaveLength(20);
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
    for (const m of batch) {
      await smtp.sendMail({ envelope: { from: CUSTOMER.address, to: [SUPPORT.address] }, raw: m.raw });
    }
    smtp.close();

    const replies = await waitFor('20 replies in the customer mailbox', async () => {
      const got = await messagesIn(mx.servers, CUSTOMER);
      return got.length >= 20 ? got : undefined;
    }, 90_000, 500);
    expect(replies).toHaveLength(20);

    const tickets = query<{ number: string; subject: string; requester_address: string }>(dataDir, 'SELECT number, subject, requester_address FROM tickets ORDER BY seq');
    expect(tickets).toHaveLength(20);
    const year = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Moscow', year: 'numeric' }).format(new Date()); // they arrived just now; numbering counts Moscow years
    expect(tickets.map((t) => t.number)).toEqual(Array.from({ length: 20 }, (_, i) => `SUP-${year}-${String(i + 1).padStart(6, '0')}`));
    expect(new Set(tickets.map((t) => t.requester_address))).toEqual(new Set([CUSTOMER.address]));

    const sentIds = new Set(batch.map((m) => m.messageId));
    const byRequest = new Map<string, string>();
    for (const r of replies) {
      const p = await simpleParser(r.raw);
      const number = /^\[(SUP-\d{4}-\d{6})\] /.exec(p.subject ?? '')?.[1];
      expect(number).toBeDefined();
      expect(p.inReplyTo && sentIds.has(p.inReplyTo)).toBe(true);
      expect(String(p.references)).toContain(p.inReplyTo);
      expect(p.headers.get('auto-submitted')).toBe('auto-replied');
      expect(p.from?.value[0].address).toBe(SUPPORT.address);
      expect(p.text).toContain(number);
      byRequest.set(number!, p.inReplyTo!);
    }
    expect(byRequest.size).toBe(20); // one reply per request, each answering a different customer mail
    expect(new Set(byRequest.values()).size).toBe(20);

    // The Cyrillic bodies in legacy charsets were decoded, not mangled.
    const texts = query<{ text: string; subject: string }>(dataDir, "SELECT text, subject FROM messages WHERE direction = 'in'");
    expect(texts.find((t) => t.subject.includes('KOI8-R'))!.text).toContain('съешь же ещё этих мягких французских булок');
    expect(texts.find((t) => t.subject.includes('windows-1251'))!.text).toContain('в чащах юга жил бы цитрус');
    // Attachments stored content-addressed, with their Cyrillic names.
    const files = query<{ filename: string; sha256: string; stored: number }>(dataDir, 'SELECT filename, sha256, stored FROM attachments');
    expect(files.length).toBe(8);
    expect(files.some((f) => f.filename.startsWith('скриншот-'))).toBe(true);
    for (const f of files) expect(fs.existsSync(path.join(dataDir, 'attachments', f.sha256.slice(0, 2), f.sha256))).toBe(true);
    // Stored messages left the inbox for the configured folder.
    expect(await countIn(mx.servers, SUPPORT, 'INBOX')).toBe(0);
    expect(await countIn(mx.servers, SUPPORT, 'Stored')).toBe(20);
  } finally {
    daemon.kill('SIGTERM');
    const { code } = await exited(daemon);
    expect(code).toBe(0);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event?: string; msg: string });
    expect(lines.filter((l) => l.event === 'intake.message.stored')).toHaveLength(20);
    expect(lines.filter((l) => l.event === 'outbox.sent')).toHaveLength(20);
    // Once the backlog was done the daemon waited in IDLE, and said so once per connection.
    expect(lines.filter((l) => l.event === 'imap.watching')).toHaveLength(lines.filter((l) => l.event === 'imap.connected').length);
    expect(lines.at(-1)!.event).toBe('daemon.stopped');
    expect(fs.readFileSync(log, 'utf8')).not.toContain('secret-support');
  }
});

test('the customer answering our registration reply from their mail client adds to the same request', async () => {
  const dir = tmpDir('followup');
  const dataDir = path.join(dir, 'data');
  const log = path.join(dir, 'daemon.log');
  const daemon = startDaemon(writeConfig(dir, mx.servers, { dataDir }), log);
  try {
    const first = buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'Не приходят уведомления', body: 'С понедельника не приходят уведомления.' });
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ envelope: { from: CUSTOMER.address, to: [SUPPORT.address] }, raw: first.raw });
    const [registration] = await waitFor('the registration reply', async () => {
      const got = await messagesIn(mx.servers, CUSTOMER);
      return got.length === 1 ? got : undefined;
    }, 30_000, 200);
    const ours = await simpleParser(registration.raw);
    // What a mail client sends for "Reply": Re: subject, In-Reply-To and References to our message.
    await smtp.sendMail({
      from: CUSTOMER.address,
      to: SUPPORT.address,
      subject: `Re: ${ours.subject}`,
      inReplyTo: ours.messageId,
      references: [first.messageId, ours.messageId!],
      text: `Забыл добавить: учётная запись ivanov.\n\n${ours.text!.split('\n').map((l) => `> ${l}`).join('\n')}`,
    });
    smtp.close();
    await waitFor('the follow-up stored', () => query<{ n: number }>(dataDir, "SELECT count(*) AS n FROM messages WHERE direction = 'in'")[0]?.n === 2, 30_000, 200);
    expect(query(dataDir, 'SELECT number FROM tickets')).toHaveLength(1);
    expect(query<{ ticket_id: number }>(dataDir, "SELECT ticket_id FROM messages WHERE direction = 'in'").map((m) => m.ticket_id)).toEqual([1, 1]);
    // What the customer typed, without our quoted registration reply.
    expect(query<{ new_text: string }>(dataDir, 'SELECT new_text FROM messages WHERE id = 2')[0].new_text).toBe('Забыл добавить: учётная запись ivanov.');
    await new Promise((r) => setTimeout(r, 1500)); // time enough for a wrong second registration reply to arrive
    expect(await messagesIn(mx.servers, CUSTOMER)).toHaveLength(1);
    const number = /^\[(SUP-\d{4}-\d{6})\]/.exec(ours.subject!)![1];
    expect(logEvents(log).filter((e) => e.event === 'intake.message.appended')).toEqual([expect.objectContaining({ ticket: number, via: 'subject-number' })]);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
