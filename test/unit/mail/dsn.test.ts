import fs from 'node:fs';
import path from 'node:path';
import { describeAutomated } from '../../../src/mail/automated';
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
    { address: 'gone@customer.example', status: '5.1.1', diagnostic: '550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown', permanent: true },
    { address: 'slow@customer.example', status: '4.4.1', diagnostic: null, permanent: false },
  ]);
  expect(b.originalMessageIds).toContain('<SUP-2026-000007.abc@desk.example>');
  expect(b.originalMessageIds).not.toContain('<bounce-1@mx.example.org>');
  expect(b.requestNumbers).toEqual(['SUP-2026-000007']);
});

test('our own loop header coming back is a loop, before any other signal', async () => {
  const raw = Buffer.from('From: support@desk.example\r\nTo: support@desk.example\r\nAuto-Submitted: auto-replied\r\nX-Helpdesk-Loop: support@desk.example\r\nSubject: [SUP-1] hi\r\n\r\nbody\r\n');
  expect(describeAutomated(() => raw, await parseEmail(raw))?.kind).toBe('loop');
});
