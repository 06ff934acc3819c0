import { replyAddress } from '../../../src/auth/token';
import { recordingOutbox, ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';
import { buildMail } from '../../support/mails';
import { BlobStore } from '../../../src/storage/blobs';
import path from 'node:path';

/** Issue 14, part 2: an engineer's files reach the customer with the answer, or the engineer is told why not. */
const mb = mailbox();
const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
const SUBJECT = 'Re: [SUP-2026-000001] Не работает вход';

async function setup(opts: Parameters<typeof intakeHarness>[0] = {}) {
  const h = intakeHarness({ engineers: ENGINEERS, attachmentMaxBytes: 4096, ...opts });
  const first = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', cc: 'olga@customer.test', subject: 'Не работает вход', body: 'Помогите.' });
  await h.intake.process({ raw: first.raw, mailbox: mb, receivedAt: h.clock.now() });
  const engineer = (raw: Buffer) => h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  const relays = () => h.all<{ to_address: string; attachments_json: string }>("SELECT to_address, attachments_json FROM outbox WHERE kind = 'relay' ORDER BY id");
  const confirm = () => h.all<{ text: string }>("SELECT text FROM outbox WHERE kind = 'confirm' ORDER BY id DESC")[0]?.text ?? '';
  const status = () => h.all<{ status: string }>('SELECT status FROM tickets WHERE id = 1')[0].status;
  return { h, engineer, relays, confirm, status };
}

const withFile = (body: string, file: { filename: string; contentType: string; content: Buffer }) =>
  buildMail({ from: 'Анна <anna@vendor.test>', to: token, subject: SUBJECT, body, attachment: file }).raw;

/** An HTML answer with an inline screenshot, as mail clients write it: multipart/related, the image by Content-ID. */
function withInlineImage(png: Buffer): Buffer {
  const head = [`From: anna@vendor.test`, `To: ${token}`, `Subject: ${SUBJECT}`, 'Message-ID: <inline-1@vendor.test>', 'Date: Fri, 20 Nov 2026 09:40:00 +0000', 'MIME-Version: 1.0', 'Content-Type: multipart/related; boundary="rel"', ''];
  return Buffer.from(
    [
      ...head,
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Нажмите сюда:</p><img src="cid:shot1@vendor.test">',
      '--rel',
      'Content-Type: image/png; name="shot.png"',
      'Content-Disposition: inline; filename="shot.png"',
      'Content-ID: <shot1@vendor.test>',
      'Content-Transfer-Encoding: base64',
      '',
      png.toString('base64'),
      '--rel--',
      '',
    ].join('\r\n'),
  );
}

test("an engineer's attachment goes to the customer and each participant with the answer, and is what the SMTP server is given", async () => {
  const s = await setup();
  const content = Buffer.from('patched config\n');
  const out = await s.engineer(withFile('Замените файл, пожалуйста.', { filename: 'app.conf', contentType: 'text/plain', content }));
  expect(out).toMatchObject({ outcome: 'command', relayed: true });
  const relays = s.relays();
  expect(relays.map((r) => r.to_address)).toEqual(['ivan@customer.test', 'olga@customer.test']);
  for (const r of relays) expect(JSON.parse(r.attachments_json)).toEqual([{ sha256: expect.any(String), filename: 'app.conf', contentType: 'text/plain', contentId: null }]);
  const { worker, sent } = recordingOutbox(s.h, { attachments: new BlobStore(path.join(s.h.dataDir, 'attachments')) });
  await worker.flush();
  const toIvan = sent.find((m) => m.envelopeTo === 'ivan@customer.test' && m.subject.startsWith('[SUP') && m.text.includes('Замените файл'))!;
  expect(toIvan.attachments!.map((a) => [a.filename, a.content.toString()])).toEqual([['app.conf', 'patched config\n']]);
  s.h.close();
});

test('a file alone, with no text, is an answer: relayed, and it starts the work', async () => {
  const s = await setup();
  await s.engineer(withFile('', { filename: 'fix.patch', contentType: 'text/x-diff', content: Buffer.from('--- a\n+++ b\n') }));
  expect(s.relays()).toHaveLength(2);
  expect(s.status()).toBe('in_progress');
  s.h.close();
});

test('an inline image keeps its Content-ID, so the HTML answer can show it', async () => {
  const s = await setup();
  await s.engineer(withInlineImage(Buffer.from('89504e470d0a1a0a', 'hex')));
  expect(JSON.parse(s.relays()[0].attachments_json)).toEqual([{ sha256: expect.any(String), filename: 'shot.png', contentType: 'image/png', contentId: 'shot1@vendor.test' }]);
  s.h.close();
});

test('a file over attachment_max_bytes: nothing is applied or sent, and the engineer is told which file and why', async () => {
  const s = await setup();
  const out = await s.engineer(withFile('#status resolved\n\nВот лог.', { filename: 'big.log', contentType: 'text/plain', content: Buffer.alloc(5000, 'x') }));
  expect(out).toMatchObject({ outcome: 'command', applied: [], relayed: false, refused: [{ source: 'big.log', reason: expect.stringContaining('attachment_max_bytes') }] });
  expect(s.relays()).toEqual([]);
  expect(s.status()).toBe('new');
  expect(s.confirm()).toContain('big.log');
  expect(s.confirm()).toContain('attachment_max_bytes');
  s.h.close();
});

test('files over outgoing_files_max_bytes together: refused the same way', async () => {
  const s = await setup({ outgoingFilesMaxBytes: 1000 });
  const out = await s.engineer(withFile('Вот лог.', { filename: 'mid.log', contentType: 'text/plain', content: Buffer.alloc(2000, 'x') }));
  expect(out).toMatchObject({ outcome: 'command', relayed: false, refused: [{ source: 'mid.log', reason: expect.stringContaining('outgoing_files_max_bytes (1000)') }] });
  expect(s.relays()).toEqual([]);
  s.h.close();
});

test('a #note keeps its file on the request and sends nothing, however large', async () => {
  const s = await setup();
  const out = await s.engineer(withFile('#note\nЛог для своих.', { filename: 'big.log', contentType: 'text/plain', content: Buffer.alloc(5000, 'x') }));
  expect(out).toMatchObject({ outcome: 'command', applied: ['#note'], relayed: false });
  expect(s.relays()).toEqual([]);
  expect(s.h.all('SELECT filename, stored FROM attachments')).toEqual([{ filename: 'big.log', stored: 0 }]);
  s.h.close();
});

test('an attached mail (a client\'s "reply with the original": our notification) is never sent on; the confirmation says it stayed', async () => {
  const s = await setup();
  const notification = Buffer.from('From: support@example.test\r\nTo: anna@vendor.test\r\nSubject: [SUP-2026-000001] internal\r\n\r\nInternal notification text.\r\n');
  const out = await s.engineer(withFile('Проверьте ещё раз.', { filename: 'original.eml', contentType: 'message/rfc822', content: notification }));
  expect(out).toMatchObject({ outcome: 'command', relayed: true });
  expect(s.relays().map((r) => JSON.parse(r.attachments_json))).toEqual([[], []]);
  expect(s.confirm()).toContain('original.eml was not sent to the customer');
  s.h.close();
});
