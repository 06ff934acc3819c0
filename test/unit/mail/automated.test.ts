import { classifyAutomated, isNoReplyAddress } from '../../../src/mail/automated';
import { parseEmail } from '../../../src/mail/parse';
import { intakeHarness, mailbox } from '../../support/services';

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

describe('other desks\' loop headers are machine mail', () => {
  /** What other ticket systems put on every mail they send (values from their sources and real mails), each alone: a relay may strip the rest. */
  const desks = [
    ['X-Loop: yes', 'Zammad, OTRS/Znuny auto-replies'],
    ['X-Loop: support@desk.example.org', 'procmail, older OTRS'],
    ['X-OTRS-Loop: yes', 'OTRS'],
    ['X-OTRS-Loop: support@otrs.example.org', 'OTRS 2'],
    ['X-OTOBO-Loop: yes', 'OTOBO'],
    ['X-KIX-Loop: yes', 'KIX'],
    ['X-No-Loop: yes', 'counted by OTRS'],
    ['X-RT-Loop-Prevention: engineering.example.com', 'Request Tracker'],
    ['X-Redmine-Host: redmine.example.org', 'Redmine'],
    ['X-JIRA-FingerPrint: ba86a44d1de16baf461a884e98837e6f', 'Jira'],
    ['X-Zendesk-From-Account-Id: 68b8aed', 'Zendesk'],
    ['Precedence: auto_reply', 'osTicket auto-replies'],
  ];
  /** Headers a person's mail may carry that only look like those. */
  const people = [
    'X-OTRS-Loop: no',
    'X-OTRS-Loop: false',
    'X-OTRS-CustomerNo: skywalker@otrs.org', // a customer's header, set for OTRS's postmaster (otrs/test-email-8-bulgarian-cp1251.box)
    'X-Mailer: Zammad Mail Service\r\nX-Powered-By: Zammad - Helpdesk/Support (https://zammad.org/)', // a Zammad agent writing (zammad/mail053.box)
    'X-Mailer: osTicket Mailer',
    'X-Looping-Test: yes',
    'X-Mailer: The Bat! (v1.53d) Personal',
  ];

  test.each(desks)('%s (%s) → machine mail; a person\'s look-alike headers are not', async (h) => {
    expect(await classify(`From: desk@desk.example.org\r\n${h}`)).toMatchObject({ kind: 'auto-reply', reason: expect.stringMatching(new RegExp(`^(loop header of another desk \\(or list\\) )?${h.split(':')[0]}:`, 'i')) });
    for (const p of people) expect(await classify(`From: ivan@customer.test\r\n${p}`)).toBeNull();
  });

  test.each(desks)('%s: the mail is stored as a request, never answered; the same mail from a person gets its registration reply', async (h) => {
    const harness = intakeHarness();
    const mb = mailbox();
    const mail = (extra: string, id: string) =>
      Buffer.from(`From: Desk <desk@desk.example.org>\r\nTo: support@example.test\r\nSubject: [Ticket#10010] Ваш запрос получен\r\nMessage-ID: <${id}@desk.example.org>\r\n${extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe received your request.\r\n`);
    expect(await harness.intake.process({ raw: mail(`${h}\r\n`, 'a'), mailbox: mb, receivedAt: harness.clock.now() })).toMatchObject({ outcome: 'created', replyQueued: false });
    expect(harness.all('SELECT id FROM outbox')).toEqual([]);
    expect(harness.all<{ automated: string }>('SELECT automated FROM messages').map((m) => JSON.parse(m.automated).kind)).toEqual(['auto-reply']);
    for (const [i, p] of people.entries()) {
      expect(await harness.intake.process({ raw: mail(`${p}\r\n`, `p${i}`), mailbox: mb, receivedAt: harness.clock.now() })).toMatchObject({ outcome: 'created', replyQueued: true });
    }
    expect(harness.all<{ kind: string }>('SELECT kind FROM outbox').map((r) => r.kind)).toEqual(people.map(() => 'registration'));
    harness.close();
  });
});

test.each([['X-Vacation: yes'], ['X-MS-Exchange-Inbox-Rules-Loop: anna@vendor.test']])('%s is an auto-reply (found by review)', async (h) => {
  expect((await classify(`From: anna@vendor.test\r\n${h}`))?.kind).toBe('auto-reply');
});

test('the subject "Отсутствую: …" is an auto-reply, "Отсутствует принтер" is not', async () => {
  const subject = async (s: string) => classifyAutomated(await parseEmail(Buffer.from(`From: a@b.test\r\nSubject: =?utf-8?B?${Buffer.from(s).toString('base64')}?=\r\n\r\nx\r\n`)));
  expect((await subject('Отсутствую: Re: [SUP-2026-000001] x'))?.kind).toBe('auto-reply');
  expect(await subject('Отсутствует принтер')).toBeNull();
});
