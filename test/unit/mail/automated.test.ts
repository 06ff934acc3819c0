import { classifyAutomated, isNoReplyAddress } from '../../../src/mail/automated';
import { parseEmail } from '../../../src/mail/parse';

async function classify(headers: string, envelopeSender?: string) {
  const mail = await parseEmail(Buffer.from(`${headers}\r\nSubject: x\r\n\r\nbody\r\n`));
  return classifyAutomated(mail, envelopeSender);
}

test('a person writing is not automated', async () => {
  expect(await classify('From: Ivan <ivan@customer.test>\r\nAuto-Submitted: no')).toBeNull();
  expect(await classify('From: ivan@customer.test\r\nPrecedence: normal')).toBeNull();
});

test.each([
  ['Auto-Submitted: auto-replied', 'auto-reply'],
  ['Auto-Submitted: auto-generated', 'auto-reply'],
  ['Precedence: bulk', 'auto-reply'],
  ['Precedence: junk', 'auto-reply'],
  ['Precedence: list', 'list'],
  ['List-Id: <users.lists.example.org>', 'list'],
  ['List-Unsubscribe: <mailto:leave@lists.example.org>', 'list'],
  ['X-Auto-Response-Suppress: All', 'auto-reply'],
  ['X-Autoreply: yes', 'auto-reply'],
  ['Return-Path: <>', 'bounce'],
  ['X-Failed-Recipients: someone@example.org', 'bounce'],
  ['Content-Type: multipart/report; report-type=delivery-status; boundary=x', 'bounce'],
])('%s → %s', async (h, kind) => {
  expect((await classify(`From: ivan@customer.test\r\n${h}`))?.kind).toBe(kind);
});

test('mailer-daemon and postmaster senders are bounces', async () => {
  expect((await classify('From: MAILER-DAEMON@mx.example.org'))?.kind).toBe('bounce');
  expect((await classify('From: postmaster@mx.example.org'))?.kind).toBe('bounce');
});

test('a null envelope sender is a bounce even without a Return-Path header', async () => {
  expect((await classify('From: ivan@customer.test', ''))?.kind).toBe('bounce');
  expect(await classify('From: ivan@customer.test', 'ivan@customer.test')).toBeNull();
});

test.each([
  ['noreply@bank.test', true],
  ['no-reply@bank.test', true],
  ['do_not_reply@bank.test', true],
  ['DoNotReply@bank.test', true],
  ['bounces+123@list.test', true],
  ['ivan@customer.test', false],
  ['norbert@customer.test', false],
  ['replies@customer.test', false],
])('isNoReplyAddress(%s) = %s', (a, expected) => {
  expect(isNoReplyAddress(a)).toBe(expected);
});

test.each([
  ['Auto reply: Nyaan', true],
  ['Automatic reply: Ваш запрос', true],
  ['Out of Office: re: invoice', true],
  ['=?utf-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiDQt9Cw0L/RgNC+0YE=?=', true], // "Автоответ: запрос", encoded
  ['Re: my automatic reply settings do not work', false],
  ['Автоответчик не работает', false],
])('vacation subject %j → %s', async (subject, automated) => {
  const mail = await parseEmail(Buffer.from(`From: ivan@customer.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`));
  expect(classifyAutomated(mail) !== null).toBe(automated);
});

test('Apple iCloud vacation replies', async () => {
  expect((await classify('From: ivan@customer.test\r\nX-Apple-Action: VACATION'))?.kind).toBe('auto-reply');
});
