/**
 * Bounded cost per mail: whatever its shape, one message is stored (raw kept
 * whole), what the limits left unread is said, and its cost stays linear: under
 * 6 s of CPU for the worst of these shapes (4 700 attachments take 1.5 s on an
 * idle 2-core machine; a quadratic step would take minutes). CPU time
 * (process.cpuUsage), not wall time; still, it counts the process's GC and JIT
 * threads, which a loaded machine slows too: a 2 s bound failed under load.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LIMITS, parseEmail } from '../../../src/mail/parse';
import { buildMail } from '../../support/mails';
import { ENGINEERS, intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
const CPU_SECONDS = 6;

const head = (extra = '') => `From: Ivan <ivan@customer.test>\r\nTo: support@example.test\r\nMessage-ID: <${crypto.randomUUID()}@x>\r\nSubject: hostile\r\nMIME-Version: 1.0\r\n${extra}`;
const multipart = (parts: string[]) =>
  Buffer.from(`${head('Content-Type: multipart/mixed; boundary=b\r\n')}\r\n--b\r\nContent-Type: text/plain\r\n\r\nthe customer's words\r\n${parts.map((p) => `--b\r\n${p}\r\n`).join('')}--b--\r\n`);
const references = (n: number, id: (i: number) => string, sep: string) => Buffer.from(`${head(`References: ${Array.from({ length: n }, (_, i) => id(i)).join(sep)}\r\n`)}\r\nbody\r\n`);
const forwarded = (n: number) => multipart(Array.from({ length: n }, (_, i) => `Content-Type: message/rfc822\r\n\r\nFrom: a@b.test\r\nSubject: fwd ${i}\r\n\r\nforwarded text ${i}.\r\n`));
const attachments = (n: number) =>
  multipart(Array.from({ length: n }, (_, i) => `Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\n\r\nbytes of ${i}\r\n`));
const nested = (levels: number) => {
  let body = 'Content-Type: text/plain\r\n\r\ninnermost words\r\n';
  for (let i = levels; i >= 1; i--) body = `Content-Type: multipart/mixed; boundary=n${i}\r\n\r\n--n${i}\r\n${body}\r\n--n${i}--\r\n`;
  return Buffer.from(`${head()}${body}`);
};

/**
 * A harness with engineers (so notifications are written too), warmed up by
 * one ordinary mail: module loading and the first template compile are the
 * daemon's start-up, not a message's cost. Then the message, its CPU seconds.
 */
async function ingest(raw: Buffer) {
  const h = intakeHarness({ engineers: ENGINEERS, attachmentMaxBytes: 1000 });
  const warm = buildMail({ from: 'olga@customer.test', to: 'support@example.test', subject: 'warm-up', body: 'an ordinary mail' });
  await h.intake.process({ raw: warm.raw, mailbox: mb, receivedAt: h.clock.now() });
  const before = process.cpuUsage();
  const outcome = await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  const used = process.cpuUsage(before);
  const [message] = h.all<{ id: number; text: string; references_json: string; raw_sha256: string }>(
    "SELECT id, text, references_json, raw_sha256 FROM messages WHERE direction = 'in' AND from_address = 'ivan@customer.test'",
  );
  return { h, outcome, message, cpu: (used.user + used.system) / 1e6 };
}

/** The raw message is kept whole under its hash, whatever was left unread. */
function rawKept(h: ReturnType<typeof intakeHarness>, sha: string, raw: Buffer) {
  // What the limits left unread is said in the message's history too.
  const events = h.all<{ type: string; data_json: string }>("SELECT type, data_json FROM events WHERE message_id = (SELECT id FROM messages WHERE raw_sha256 = ?) AND type IN ('message.cut', 'message.unparsed')", sha);
  expect(events.map((e) => e.type)).toContain('message.cut');
  expect(fs.readFileSync(path.join(h.dataDir, 'raw', sha.slice(0, 2), sha)).equals(raw)).toBe(true);
}

test('150 000 References: the first and the newest 49 are kept, the rest is said to be cut', async () => {
  const raw = references(150_000, (i) => `<ref${i}@customer.test>`, '\r\n ');
  const mail = await parseEmail(raw);
  // 4 MB of header: past the header limit, so the body is not read either; it is an error on the mail, not its MIME as text.
  expect(mail.cut).toEqual(['body: not read (a header block larger than 1048576 bytes)', 'References: 150000, kept 50']);
  expect(mail.parseError).toBe('a header block larger than 1048576 bytes');
  expect(mail.text).toBe('');
  const kept = ['<ref0@customer.test>', ...Array.from({ length: 49 }, (_, i) => `<ref${149_951 + i}@customer.test>`)];
  expect(mail.references).toEqual(kept);

  const { h, outcome, message, cpu } = await ingest(raw);
  expect(outcome.outcome).toBe('created');
  expect(JSON.parse(message.references_json)).toEqual(kept);
  rawKept(h, message.raw_sha256, raw);
  const history = h.all<{ type: string; data_json: string }>('SELECT type, data_json FROM events WHERE message_id = ? ORDER BY id', message.id);
  expect(history.find((e) => e.type === 'message.cut')!.data_json).toContain('References: 150000, kept 50');
  expect(history.find((e) => e.type === 'message.unparsed')!.data_json).toContain('a header block larger than 1048576 bytes');
  expect(cpu).toBeLessThan(CPU_SECONDS);
  h.close();
});

test('60 000 References inside the header limit: the message is read, its References cut to 50', async () => {
  const raw = references(60_000, (i) => `<r${i}@c>`, ' ');
  const mail = await parseEmail(raw);
  expect(mail.cut).toEqual(['References: 60000, kept 50']);
  expect(mail.parseError).toBeNull();
  expect(mail.text.trim()).toBe('body');
  expect(mail.references).toHaveLength(LIMITS.references);
  expect(mail.references[0]).toBe('<r0@c>');
  expect(mail.references.at(-1)).toBe('<r59999@c>');

  const { h, outcome, message, cpu } = await ingest(raw);
  expect(outcome.outcome).toBe('created');
  expect(message.text.trim()).toBe('body');
  expect(JSON.parse(message.references_json)).toEqual(mail.references);
  expect(cpu).toBeLessThan(CPU_SECONDS);
  h.close();
});

test('a reply in a thread of 300 References still joins its request: the root and the newest are the ones kept', async () => {
  const h = intakeHarness();
  const first = buildMail({ from: 'Ivan <ivan@customer.test>', to: 'support@example.test', subject: 'VPN down', body: 'since 9:00' });
  const created = await h.intake.process({ raw: first.raw, mailbox: mb, receivedAt: h.clock.now() });
  const [reply] = h.all<{ message_id: string }>('SELECT message_id FROM outbox');
  // Our registration reply is the newest; the customer's own first mail the root; 298 others between.
  const between = Array.from({ length: 298 }, (_, i) => `<mid${i}@customer.test>`);
  for (const [what, refs] of [
    ['newest', [`<root@customer.test>`, ...between, reply.message_id]],
    ['root', [reply.message_id, ...between, `<newest@customer.test>`]],
  ] as const) {
    const raw = Buffer.from(`${head(`References: ${refs.join('\r\n ')}\r\n`)}Subject: no number here (${what})\r\n\r\nstill down\r\n`);
    expect((await parseEmail(raw)).cut).toEqual(['References: 300, kept 50']);
    const out = await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
    expect(out).toMatchObject({ outcome: 'appended', ticketNumber: created.ticketNumber });
  }
  // The forged version: the same 300 References without our Message-ID join nothing.
  const forged = Buffer.from(`${head(`References: ${['<root@customer.test>', ...between].join('\r\n ')}\r\n`)}Subject: no number\r\n\r\nhello\r\n`);
  expect((await h.intake.process({ raw: forged, mailbox: mb, receivedAt: h.clock.now() })).outcome).toBe('created');
  h.close();
});

test('4 000 forwarded messages: the text of the first 20 is read, every part is recorded, 200 are kept', async () => {
  const raw = forwarded(4000);
  const mail = await parseEmail(raw);
  expect(mail.cut).toEqual([`attachments: 4000, bytes kept of ${LIMITS.attachments}`, `forwarded messages: 4000, text read of ${LIMITS.forwarded}`]);
  expect(mail.text).toContain('forwarded text 19.');
  expect(mail.text).not.toContain('forwarded text 20.');

  const { h, outcome, message, cpu } = await ingest(raw);
  expect(outcome.outcome).toBe('created');
  expect(message.text).toContain("the customer's words");
  expect(message.text).toContain('forwarded text 19.');
  const files = h.all<{ stored: number; n: number }>('SELECT stored, count(*) AS n FROM attachments WHERE message_id = ? GROUP BY stored ORDER BY stored', message.id);
  expect(files).toEqual([
    { stored: 0, n: 4000 - LIMITS.attachments },
    { stored: 1, n: LIMITS.attachments },
  ]);
  rawKept(h, message.raw_sha256, raw);
  expect(cpu).toBeLessThan(CPU_SECONDS);
  h.close();
});

test('4 700 attachments: every one recorded (one INSERT each: no limit on bound values), the first 200 kept', async () => {
  const raw = attachments(4700);
  const mail = await parseEmail(raw);
  expect(mail.cut).toEqual([`attachments: 4700, bytes kept of ${LIMITS.attachments}`]);
  expect(mail.attachments[LIMITS.attachments]).toMatchObject({ filename: `f${LIMITS.attachments}.bin`, kept: false, skipped: `past the first ${LIMITS.attachments} attachments of the message` });

  const { h, outcome, message, cpu } = await ingest(raw);
  expect(outcome.outcome).toBe('created');
  const rows = h.all<{ filename: string; stored: number; sha256: string }>('SELECT filename, stored, sha256 FROM attachments WHERE message_id = ? ORDER BY id', message.id);
  expect(rows).toHaveLength(4700);
  expect(rows.map((r) => r.filename)).toEqual(Array.from({ length: 4700 }, (_, i) => `f${i}.bin`));
  expect(rows.filter((r) => r.stored).map((r) => r.filename)).toEqual(Array.from({ length: LIMITS.attachments }, (_, i) => `f${i}.bin`));
  // Every row has the hash of its bytes, kept or not.
  expect(rows[4699].sha256).toBe(crypto.createHash('sha256').update('bytes of 4699\r\n').digest('hex'));
  expect(h.all<{ skip_reason: string }>('SELECT skip_reason FROM attachments WHERE message_id = ? AND stored = 0 LIMIT 1', message.id)[0].skip_reason).toBe(`past the first ${LIMITS.attachments} attachments of the message`);
  rawKept(h, message.raw_sha256, raw);
  expect(cpu).toBeLessThan(CPU_SECONDS);
  h.close();
});

test('past the MIME part limit: a parse error on the mail, no MIME source as its text nor in the engineers\' mail', async () => {
  const raw = multipart(Array.from({ length: LIMITS.mimeParts + 1000 }, (_, i) => `Content-Type: text/plain\r\n\r\npart ${i}\r\n`));
  const mail = await parseEmail(raw);
  expect(mail.parseError).toBe(`more than ${LIMITS.mimeParts} MIME parts`);
  expect(mail.cut).toEqual([`body: not read (more than ${LIMITS.mimeParts} MIME parts)`]);
  expect(mail).toMatchObject({ text: '', subject: 'hostile', from: { address: 'ivan@customer.test' } });

  const { h, outcome, message, cpu } = await ingest(raw);
  expect(outcome.outcome).toBe('created');
  expect(message.text).toBe('');
  const mailed = h.all<{ text: string }>("SELECT text FROM outbox WHERE to_address = 'anna@vendor.test' AND text NOT LIKE '%warm-up%'");
  expect(mailed).toHaveLength(1);
  for (const source of ['--b', 'Content-Type', 'part 1']) expect(mailed[0].text).not.toContain(source);
  expect(mailed[0].text.length).toBeLessThan(5000);
  rawKept(h, message.raw_sha256, raw);
  expect(cpu).toBeLessThan(CPU_SECONDS);
  h.close();
});

test('multipart nested 3 000 levels deep: a parse error on the mail; 20 levels still read', async () => {
  const raw = nested(3000);
  const mail = await parseEmail(raw);
  expect(mail.parseError).toBe(`MIME parts nested deeper than ${LIMITS.nesting} levels`);
  expect(mail.text).toBe('');

  const { h, outcome, message, cpu } = await ingest(raw);
  expect(outcome.outcome).toBe('created');
  expect(message.text).toBe('');
  rawKept(h, message.raw_sha256, raw);
  expect(cpu).toBeLessThan(CPU_SECONDS);
  h.close();

  // The honest version: nesting as deep as real clients go, and more, is read.
  const honest = await parseEmail(nested(20));
  expect(honest).toMatchObject({ parseError: null, cut: [] });
  expect(honest.text.trim()).toBe('innermost words');
});
