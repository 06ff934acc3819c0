/**
 * The forwarded mail in an engineer's forward, in each client's shape:
 * Gmail, Apple Mail and Outlook from the corpora of discourse/email_reply_trimmer
 * and mailgun/talon (test/fixtures/NOTICE.md), the attached message/rfc822
 * from ikvk/imap_tools; Thunderbird, Yandex and Mail.ru written here in their
 * clients' shapes (no permissively licensed sample of them exists in the corpus).
 */
import fs from 'node:fs';
import path from 'node:path';
import { inlineForward, parseAddress } from '../../../src/mail/forward';
import { parseLooseDate } from '../../../src/mail/forward-date';
import { parseEmail } from '../../../src/mail/parse';
import { readForward } from '../../../src/intake/forward/read';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const MSK = 'Europe/Moscow';
const body = (f: string) => fs.readFileSync(path.join(fixtures, f), 'utf8');
const textOf = async (f: string) => (await parseEmail(fs.readFileSync(path.join(fixtures, f)))).text;

test('Gmail: "---------- Forwarded message ---------" (email_reply_trimmer forwarded_gmail)', () => {
  const f = inlineForward(body('email_reply_trimmer/emails/forwarded_gmail.txt'), MSK)!;
  expect(f.client).toBe('gmail');
  expect(f.own).toBe('This email has been forwarded from Gmail.');
  expect(f.original.from).toEqual({ address: 'foo@discourse.org', name: 'Foo Discourse' });
  expect(f.original.to).toEqual([{ address: 'bar@discourse.org', name: '' }]);
  expect(f.original.subject).toBe('This email is going to be forwarded');
  expect(f.original.date?.toISOString()).toBe('2019-01-01T09:00:00.000Z'); // 12:00 PM with no zone: the mailbox's (Moscow, +3)
  expect(f.original.text).toMatch(/^Lorem ipsum dolor sit amet/);
  expect(f.original.text).toMatch(/gravida convallis\.$/);
});

test('Apple Mail: "> Begin forwarded message:", the block quoted (email_reply_trimmer forwarded_apple)', () => {
  const f = inlineForward(body('email_reply_trimmer/emails/forwarded_apple.txt'), MSK)!;
  expect(f.client).toBe('apple');
  expect(f.own).toBe('This email has been forwarded from Apple Mail.');
  expect(f.original.from).toEqual({ address: 'foo@discourse.org', name: 'Foo Discourse' });
  expect(f.original.subject).toBe('This email is going to be forwarded');
  expect(f.original.date?.toISOString()).toBe('2019-01-01T10:00:00.000Z'); // 12:00:00 EET
  expect(f.original.text).toMatch(/^Lorem ipsum dolor sit amet, consectetur adipiscing elit\. Morbi auctor\nlacus/);
  expect(f.original.text).not.toContain('>');
});

test('Outlook: "From: … [mailto:…]" then "Sent: …" (talon outlook.eml)', async () => {
  const f = inlineForward(await textOf('talon/standard_replies/outlook.eml'), MSK)!;
  expect(f.client).toBe('outlook');
  expect(f.own).toBe('Hello');
  expect(f.original.from).toEqual({ address: 'xxx@xxx.mailgun.org', name: '' });
  expect(f.original.subject).toBe('The manager has commented on your Loop');
  expect(f.original.date).toBeNull(); // "March-09-12 4:22 PM": no year we can read, so the forward's arrival stands in
  expect(f.original.text).toMatch(/^Hi dan\.le@example\.com/);
});

test('Outlook (and Yahoo): "----- Original Message -----" (talon yahoo.eml)', async () => {
  const f = inlineForward(await textOf('talon/standard_replies/yahoo.eml'), MSK)!;
  expect(f.client).toBe('outlook');
  expect(f.own).toBe('Hello');
  expect(f.original.from).toEqual({ address: 'bob@xxx.mailgun.org', name: '' });
  expect(f.original.to.map((a) => a.address)).toEqual(['xxx@gmail.com', 'xxx@hotmail.com', 'xxx@yahoo.com', 'xxx@aol.com', 'xxx@comcast.net', 'xxx@nyc.rr.com']);
  expect(f.original.subject).toBe('Test');
  expect(f.original.date?.toISOString()).toBe('2012-04-02T13:44:00.000Z'); // 5:44 PM in Moscow (+4 in 2012)
  expect(f.original.text).toMatch(/^Hi/);
});

test('Thunderbird: "-------- Forwarded Message --------", tab-separated header block', async () => {
  const f = inlineForward(await textOf('forwards/thunderbird.eml'), MSK)!;
  expect(f.client).toBe('thunderbird');
  expect(f.own).toBe('Клиент пишет мне напрямую, заведите, пожалуйста.\n#notify');
  expect(f.original).toMatchObject({ from: { address: 'ivan@customer.test', name: 'Иван Петров' }, subject: 'Ошибка при выгрузке', to: [{ address: 'anna@vendor.test', name: 'Анна' }] });
  expect(f.original.date?.toISOString()).toBe('2026-11-19T14:45:10.000Z');
  expect(f.original.text).toBe('Добрый день! Выгрузка отчёта падает с ошибкой 500.\n\nИван');
});

test('Yandex: «-------- Пересылаемое сообщение --------», then "date, time, sender:"', async () => {
  const f = inlineForward(await textOf('forwards/yandex.eml'), MSK)!;
  expect(f.client).toBe('yandex');
  expect(f.own).toBe('');
  expect(f.original.from).toEqual({ address: 'ivan@customer.test', name: 'Иван Петров' });
  expect(f.original.date?.toISOString()).toBe('2026-11-19T14:45:00.000Z');
  expect(f.original.subject).toBe(''); // Yandex's block names no subject: the forward's, without "Fwd:", is not guessed
  expect(f.original.text).toBe('Не могу войти в личный кабинет, пишет «неверный пароль».'); // the end marker is not part of it
});

test('Mail.ru: the same rule line, then "От кого: / Кому: / Дата: / Тема:"', async () => {
  const f = inlineForward(await textOf('forwards/mailru.eml'), MSK)!;
  expect(f.client).toBe('mailru');
  expect(f.own).toBe('Заведите за клиента.');
  expect(f.original).toMatchObject({ from: { address: 'ivan@customer.test', name: 'Иван Петров' }, subject: 'Счёт не пришёл', to: [{ address: 'anna@vendor.test', name: '' }] });
  expect(f.original.date?.toISOString()).toBe('2026-11-19T14:45:00.000Z');
  expect(f.original.text).toMatch(/^Счёт за ноябрь так и не пришёл на почту\./);
});

test('attached as message/rfc822 (imap_tools forwarded_message.eml): the attached mail\'s own headers, text and files', async () => {
  const mail = await parseEmail(fs.readFileSync(path.join(fixtures, 'imap_tools/messages/forwarded_message.eml')));
  const stored: string[] = [];
  const f = (await readForward(mail, {
    timeZone: MSK,
    files: [],
    parse: (b) => parseEmail(b),
    store: async (m) => m.attachments.map((a) => (stored.push(a.filename ?? ''), { filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, stored: true, skipReason: null })),
  }))!;
  expect(f).toMatchObject({ form: 'attached', client: 'attached', own: '', notify: false });
  expect(f.original.from).toEqual({ address: 'group@company.ru', name: '' });
  expect(f.original.subject).toBe('статус');
  expect(f.original.date?.toISOString()).toBe('2017-10-11T08:54:32.000Z');
  expect(f.original.messageId).toBe('<20171011085432.15374.20485@web.hades.company>');
  expect(f.original.text).toContain('Новый заказ №28922');
});

test('#notify is read from the forwarder\'s own text only, never from the forwarded mail', async () => {
  const read = (text: string) => readForward({ ...emptyMail(), text }, { timeZone: MSK, files: [], parse: parseEmail, store: async () => [] });
  const block = '---------- Forwarded message ---------\nFrom: Ivan <ivan@customer.test>\nDate: Thu, 19 Nov 2026 at 17:45\nSubject: x\n\nbody';
  expect((await read(`Please open.\n#notify\n\n${block}`))!.notify).toBe(true);
  expect((await read(`Please open.\n\n${block}`))!.notify).toBe(false);
  expect((await read(`Please open.\n\n${block}\n#notify`))!.notify).toBe(false);
  expect((await read(`#notifyme\n\n${block}`))!.notify).toBe(false);
});

test('a marker behind a quote is somebody else\'s forward quoted in a reply, and no block without a sender is a forward', () => {
  expect(inlineForward('Thanks!\n\n> ---------- Forwarded message ---------\n> From: Ivan <ivan@customer.test>\n> \n> text', MSK)).toBeNull();
  expect(inlineForward('Hi\n---------- Forwarded message ---------\n\nno headers here', MSK)).toBeNull();
  expect(inlineForward('From: me\nhello, no Sent line', MSK)).toBeNull();
});

test('addresses and loose dates', () => {
  expect(parseAddress('"bob@x.test" <Bob@X.test>')).toEqual({ address: 'bob@x.test', name: '' });
  expect(parseAddress('Dan Le [mailto:dan@x.test]')).toEqual({ address: 'dan@x.test', name: 'Dan Le' });
  expect(parseAddress('nobody')).toBeNull();
  expect(parseLooseDate('Tue, Jan 01, 2019 at 12:00 AM', 'UTC')?.toISOString()).toBe('2019-01-01T00:00:00.000Z');
  expect(parseLooseDate('2 мая 2026, 9:05 -0700', MSK)?.toISOString()).toBe('2026-05-02T16:05:00.000Z');
  expect(parseLooseDate('11/20/2026 3:00 PM', 'UTC')?.toISOString()).toBe('2026-11-20T15:00:00.000Z');
  expect(parseLooseDate('someday', MSK)).toBeNull();
});

function emptyMail() {
  return { messageId: null, inReplyTo: null, references: [], from: { address: 'anna@vendor.test', name: '' }, replyTo: [], to: [], cc: [], subject: '', date: null, text: '', attachments: [], headers: new Map(), parseError: null, cut: [] };
}

test('an attached message whose disposition is inline (the parser shows it in the text, headers and all) is read as a forward too', async () => {
  const raw = [
    'From: anna@vendor.test', 'To: support@example.test', 'Subject: Fwd: x', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '',
    '--b', 'Content-Type: text/plain; charset=utf-8', '', '#notify',
    '--b', 'Content-Type: message/rfc822; name=original.eml', 'Content-Disposition: inline; filename=original.eml', '',
    'From: =?utf-8?B?0JjQstCw0L0=?= <customer@customer.test>', 'To: anna@vendor.test', 'Subject: x', 'Date: Thu, 19 Nov 2026 17:45:00 +0300', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Счёт за ноябрь не пришёл.',
    '--b--', '',
  ].join('\r\n');
  const mail = await parseEmail(Buffer.from(raw));
  expect(mail.attachments).toEqual([]); // not an attachment: its text is in the mail's
  const f = (await readForward(mail, { timeZone: MSK, files: [], parse: parseEmail, store: async () => [] }))!;
  expect(f).toMatchObject({ form: 'inline', client: 'message', own: '#notify', notify: true });
  expect(f.original).toMatchObject({ from: { address: 'customer@customer.test', name: 'Иван' }, subject: 'x', text: 'Счёт за ноябрь не пришёл.' });
  expect(f.original.date?.toISOString()).toBe('2026-11-19T14:45:00.000Z');
});

test('a "From:" line alone, or followed by lines that are no header block, is no forward', () => {
  expect(inlineForward('From: Ivan <ivan@customer.test>\nThanks for the help yesterday.', MSK)).toBeNull();
  expect(inlineForward('From: Ivan <ivan@customer.test>\nTo: x@y.test\n\nbody', MSK)).toBeNull(); // neither a date nor a subject
});
