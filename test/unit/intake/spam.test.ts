/**
 * Spam kept out (issue 14, part 5): with intake.spam.trusted, the topmost
 * spam header of the admin's own filter keeps a mail out of the requests: it
 * is stored raw with the rule that matched, in no request, never answered.
 * Untrusted, the same headers are the sender's claim and change nothing.
 */
import { DEFAULT_SPAM_RULES } from '../../../src/config/schema';
import { buildMail } from '../../support/mails';
import { intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
const TRUSTED = { trusted: true, rules: DEFAULT_SPAM_RULES };

/** A customer's mail with these header lines on top, as a filter on the way in adds them. */
function mail(headers: string[], o: { subject?: string; body?: string } = {}) {
  const m = buildMail({ from: 'Иван <ivan@customer.test>', to: 'support@example.test', subject: o.subject ?? 'Выгодное предложение', body: o.body ?? 'Купите.' });
  return Buffer.concat([Buffer.from(headers.map((h) => `${h}\r\n`).join('')), m.raw]);
}

function setup(spam?: typeof TRUSTED) {
  const h = intakeHarness({ spam });
  const count = (table: string) => h.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0].n;
  return { h, count, take: (raw: Buffer, over = {}) => h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now(), ...over }) };
}

test('marked spam by the trusted filter: kept with its verdict, no request, no reply; the same mail again is the same row', async () => {
  const s = setup(TRUSTED);
  const raw = mail(['X-Spam-Flag: YES', 'X-Spam-Status: Yes, score=12.3 required=5.0']);
  const out = await s.take(raw);
  expect(out).toMatchObject({ outcome: 'spam', ticketNumber: null, verdict: 'X-Spam-Flag: YES', spamId: 1 });
  expect([s.count('tickets'), s.count('messages'), s.count('outbox')]).toEqual([0, 0, 0]);
  const [row] = s.h.all<{ from_address: string; subject: string; status: string; raw_sha256: string }>('SELECT from_address, subject, status, raw_sha256 FROM spam');
  expect(row).toMatchObject({ from_address: 'ivan@customer.test', subject: 'Выгодное предложение', status: 'held' });
  expect(row.raw_sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(await s.take(raw)).toMatchObject({ outcome: 'spam', spamId: 1 });
  expect(s.count('spam')).toBe(1);
  s.h.close();
});

test('untrusted (the default), the same headers are the sender\'s claim: a request as any other', async () => {
  const s = setup(undefined);
  expect(await s.take(mail(['X-Spam-Flag: YES']))).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000001' });
  expect(s.count('spam')).toBe(0);
  const off = setup({ ...TRUSTED, trusted: false });
  expect(await off.take(mail(['X-Spam-Flag: YES']))).toMatchObject({ outcome: 'created' });
  s.h.close();
  off.h.close();
});

test('forged: only the topmost header is the filter\'s; a sender\'s own verdict below it changes nothing', async () => {
  const s = setup(TRUSTED);
  // The filter said no; the sender wrote YES below (only theirs): a request.
  expect(await s.take(mail(['X-Spam-Flag: NO', 'X-Spam-Flag: YES'], { subject: 'Не работает вход' }))).toMatchObject({ outcome: 'created' });
  // The filter said yes; the sender's NO below does not clear it.
  expect(await s.take(mail(['X-Spam-Flag: YES', 'X-Spam-Flag: NO'], { subject: 'Скидки' }))).toMatchObject({ outcome: 'spam' });
  expect([s.count('tickets'), s.count('spam')]).toEqual([1, 1]);
  s.h.close();
});

test('a follow-up marked spam joins nothing: the request and its outbox stay as they were', async () => {
  const s = setup(TRUSTED);
  await s.take(mail([], { subject: 'Не работает вход' }));
  const before = [s.count('messages'), s.count('outbox')];
  expect(await s.take(mail(['X-Spam: Yes'], { subject: 'Re: [SUP-2026-000001] Не работает вход' }))).toMatchObject({ outcome: 'spam', ticketNumber: null });
  expect([s.count('messages'), s.count('outbox')]).toEqual(before);
  s.h.close();
});

test('released by an admin (notSpam): processed as a normal mail, its spam headers not read again', async () => {
  const s = setup(TRUSTED);
  const raw = mail(['X-Yandex-Spam: 4']);
  expect(await s.take(raw)).toMatchObject({ outcome: 'spam' });
  expect(await s.take(raw, { notSpam: true })).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000001', replyQueued: true });
  s.h.close();
});
