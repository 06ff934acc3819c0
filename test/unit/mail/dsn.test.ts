import fs from 'node:fs';
import path from 'node:path';
import { describeAutomated } from '../../../src/mail/automated';
import { isHard, reasonOf, type BounceReason } from '../../../src/mail/bounce-reason';
import { parseBounce } from '../../../src/mail/dsn';
import { parseEmail } from '../../../src/mail/parse';

/** sisimai's bounces (BSD-2-Clause, see test/fixtures/NOTICE.md) with the statuses its own tests expect. */
const dir = path.join(__dirname, '../../fixtures/sisimai');
const cases = ['bsd', 'not'].flatMap((sub) =>
  fs
    .readdirSync(path.join(dir, sub))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => {
      const expected = JSON.parse(fs.readFileSync(path.join(dir, sub, f.replace(/\.eml$/, '.expected.json')), 'utf8')) as {
        is_bounce: boolean;
        records: { deliverystatus: string; reason: string }[];
      };
      return { name: `${sub}/${f}`, file: path.join(dir, sub, f), expected };
    }),
);

test('there are 25 sisimai mails', () => expect(cases.length).toBe(25));

test.each(cases)('$name is classified as sisimai classifies it', async ({ file, expected }) => {
  const raw = fs.readFileSync(file);
  const found = describeAutomated(() => raw, await parseEmail(raw));
  const vacation = expected.records.some((r) => r.reason === 'vacation');
  const feedback = expected.records.some((r) => r.reason === 'feedback');
  if (expected.is_bounce) {
    expect(found?.kind).toBe('bounce');
    expect(found?.recipients?.length).toBeGreaterThan(0);
    for (const r of found!.recipients!) expect(r.address).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    // sisimai's 5.0.9xx codes are its own guesses when the bounce gives none; the real RFC 3463 codes must match.
    const real = expected.records.map((r) => r.deliverystatus).filter((s) => !/^5\.0\.9\d\d$/.test(s));
    if (real.length > 0) expect(real).toContain(found!.recipients![0].status);
    expect(found!.recipients!.every((r) => r.permanent)).toBe(true);
  } else if (vacation || feedback) {
    expect(found?.kind).toBe('auto-reply');
  } else {
    expect(found).toBeNull();
  }
});

test('RFC 3464 fields: one record per recipient, with status, diagnostic and the returned Message-ID', async () => {
  const raw = Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example.org',
      'To: support@desk.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; gone@customer.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>: Recipient',
      '  address rejected: User unknown',
      '',
      'Final-Recipient: rfc822; slow@customer.example',
      'Action: delayed',
      'Status: 4.4.1',
      '',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Support <support@desk.example>',
      'Message-ID: <SUP-2026-000007.abc@desk.example>',
      'X-Helpdesk-Request: SUP-2026-000007',
      '--b--',
      '',
    ].join('\r\n'),
  );
  const b = parseBounce(raw, await parseEmail(raw));
  expect(b.recipients).toEqual([
    { address: 'gone@customer.example', status: '5.1.1', diagnostic: '550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown', permanent: true, reason: 'userunknown', hard: true },
    { address: 'slow@customer.example', status: '4.4.1', diagnostic: null, permanent: false, reason: 'networkerror', hard: false },
  ]);
  expect(b.originalMessageIds).toEqual(['<SUP-2026-000007.abc@desk.example>']);
  // An X-Helpdesk-Request line anyone can write is no part of what a bounce proves.
  expect(b).not.toHaveProperty('requestNumbers');
});

test('our own loop header coming back is a loop, before any other signal', async () => {
  const raw = Buffer.from('From: support@desk.example\r\nTo: support@desk.example\r\nAuto-Submitted: auto-replied\r\nX-Helpdesk-Loop: support@desk.example\r\nSubject: [SUP-1] hi\r\n\r\nbody\r\n');
  expect(describeAutomated(() => raw, await parseEmail(raw))?.kind).toBe('loop');
});

/** A text bounce as Exim writes it: each failed address with its own SMTP reply under it. */
function eximBounce(entries: { address: string; reply: string }[], returned: string[]): Buffer {
  return Buffer.from(
    [
      'From: Mail Delivery System <Mailer-Daemon@mx.customer.example>',
      'To: support@desk.example',
      'Subject: Mail delivery failed: returning message to sender',
      'Message-ID: <E1bounce@mx.customer.example>',
      `X-Failed-Recipients: ${entries.map((e) => e.address).join(', ')}`,
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      ...entries.flatMap((e) => [`  ${e.address}`, `    SMTP error from remote mail server after RCPT TO:<${e.address}>:`, `    host mx.customer.example [192.0.2.1]: ${e.reply}`]),
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      ...returned,
      '',
    ].join('\n'),
  );
}

test('an Exim text bounce listing several addresses is read per address: each its own status, reason and hard/soft', async () => {
  const raw = eximBounce(
    [
      { address: 'gone@customer.example', reply: '550 5.1.1 <gone@customer.example>... User unknown' },
      { address: 'full@customer.example', reply: '552 5.2.2 <full@customer.example>... Mailbox full' },
      { address: 'spam@customer.example', reply: '550 5.7.1 Message rejected as spam' },
    ],
    ['From: support@desk.example', 'Message-ID: <ours-1@desk.example>', 'Subject: [SUP-2026-000007] VPN', '', 'Hello.'],
  );
  const b = parseBounce(raw, await parseEmail(raw));
  expect(b.recipients.map(({ address, status, reason, hard }) => ({ address, status, reason, hard }))).toEqual([
    { address: 'gone@customer.example', status: '5.1.1', reason: 'userunknown', hard: true },
    { address: 'full@customer.example', status: '5.2.2', reason: 'mailboxfull', hard: false },
    { address: 'spam@customer.example', status: '5.7.1', reason: 'spamdetected', hard: false },
  ]);
  expect(b.originalMessageIds).toEqual(['<ours-1@desk.example>']);
});

test('a bounce quoted inside the returned message is not read as a second recipient, nor its Message-IDs as ours', async () => {
  const raw = Buffer.from(
    [
      'From: MAILER-DAEMON@mx.customer.example',
      'To: support@desk.example',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="outer"',
      '',
      '--outer',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--outer',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.example',
      '',
      'Final-Recipient: rfc822; ivan@customer.example',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      'From: support@desk.example',
      'Message-ID: <ours-2@desk.example>',
      'Subject: [SUP-2026-000007] Delivery failed',
      'Content-Type: text/plain',
      '',
      'Our mail could not be delivered. The report said:',
      '',
      'Final-Recipient: rfc822; olga@customer.example',
      'Action: failed',
      'Status: 5.1.1',
      '',
      'Message-ID: <someone-elses@desk.example>',
      '--outer--',
      '',
    ].join('\r\n'),
  );
  const b = parseBounce(raw, await parseEmail(raw));
  expect(b.recipients.map((r) => [r.address, r.reason, r.hard])).toEqual([['ivan@customer.example', 'mailboxfull', false]]);
  expect(b.originalMessageIds).toEqual(['<ours-2@desk.example>']);
});

test('our long Message-ID folded onto the next header line of the returned message is read whole', async () => {
  const id = '<sup-2026-000007.0f8e4f8e-1c1b-4c55-9d7e-2f0c1a7b9e11@support.desk.example>';
  for (const returned of [['From: support@desk.example', 'Message-ID:', ` ${id}`], ['From: support@desk.example', 'Message-ID:', `\t${id}`]]) {
    const raw = eximBounce([{ address: 'gone@customer.example', reply: '550 5.1.1 User unknown' }], [...returned, 'Subject: x', '', 'Hello.']);
    expect(parseBounce(raw, await parseEmail(raw)).originalMessageIds).toEqual([id]);
  }
});

test('reasons: hard only for an address that does not exist', () => {
  const cases: [string | null, string, string][] = [
    ['5.1.1', '550 5.1.1 <a@b.example>: Recipient address rejected: User unknown in virtual mailbox table', 'userunknown'],
    ['5.1.2', '550 5.1.2 Host unknown', 'hostunknown'],
    ['5.1.10', '556 5.1.10 Recipient address has null MX', 'notaccepted'],
    ['5.2.2', '552 5.2.2 Mailbox full', 'mailboxfull'],
    ['5.7.1', '550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org', 'blocked'],
    ['5.7.1', '554 5.7.1 Message rejected: spam detected', 'spamdetected'],
    ['5.7.1', '550 5.7.1 Unknown user label on a policy rejection: access denied', 'securityerror'],
    ['4.4.7', 'delivery time expired', 'expired'],
    ['4.7.0', '421 4.7.0 Rate limited, try again later', 'ratelimited'],
    ['5.7.1', '550 5.7.1 Message filtered by the recipient', 'filtered'],
    ['5.0.0', 'something else', 'undefined'],
  ];
  for (const [status, words, reason] of cases) expect([words, reasonOf(status, words)]).toEqual([words, reason]);
  expect(['userunknown', 'hostunknown', 'notaccepted'].every((r) => isHard(r as BounceReason))).toBe(true);
  expect(['mailboxfull', 'filtered', 'blocked', 'spamdetected', 'expired', 'ratelimited', 'undefined'].some((r) => isHard(r as BounceReason))).toBe(false);
});

test('a hostile bounce (one 60 kB line that almost is an address) is read in linear time', async () => {
  for (const line of [`x@${'a'.repeat(60_000)}!`, `  x@${'a-'.repeat(30_000)}!`]) {
    const raw = Buffer.from(`From: MAILER-DAEMON@mx.example.org\r\nTo: support@desk.example\r\nSubject: failed\r\n\r\n${line}\r\n`);
    const mail = await parseEmail(raw);
    const cpu = process.cpuUsage();
    parseBounce(raw, mail);
    const { user, system } = process.cpuUsage(cpu);
    expect((user + system) / 1000).toBeLessThan(1000); // ms of CPU; the old address pattern took seconds (quadratic backtracking)
  }
});
