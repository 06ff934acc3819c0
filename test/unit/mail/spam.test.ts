import { DEFAULT_SPAM_RULES } from '../../../src/config/schema';
import { spamVerdict } from '../../../src/mail/spam';
import { parseEmail } from '../../../src/mail/parse';

/** The default rules' verdict on a mail with these header lines (as the filter in front wrote them, topmost first). */
async function verdict(...lines: string[]) {
  const mail = await parseEmail(Buffer.from(`${lines.map((l) => `${l}\r\n`).join('')}From: a@customer.test\r\nSubject: x\r\n\r\nbody\r\n`));
  return spamVerdict(mail.headers, DEFAULT_SPAM_RULES);
}

test.each([
  ['X-Spam-Flag: YES', 'SpamAssassin'],
  ['X-Spam-Status: Yes, score=7.1 required=5.0 tests=BAYES_99,URIBL_BLACK', 'SpamAssassin'],
  ['X-Spam: Yes', 'rspamd'],
  ['X-Spam-Action: reject', 'rspamd'],
  ['X-Spam-Action: add header', 'rspamd'],
  ['X-Spam-Action: rewrite subject', 'rspamd'],
  ['X-Yandex-Spam: 4', 'Yandex'],
  ['X-Spam-Score: 5.5', 'a score'],
  ['X-Rspamd-Score: 12.5 / 15.0', 'a score'],
])('%s (%s) is spam, named by the rule', async (line) => {
  expect(await verdict(line)).toBe(line);
});

test.each([
  'X-Spam-Flag: NO',
  'X-Spam-Status: No, score=-0.1 required=5.0',
  'X-Spam-Status: Yesterday', // a word that only starts like "Yes"
  'X-Spam: No',
  'X-Spam-Action: no action',
  'X-Spam-Action: greylist',
  'X-Yandex-Spam: 1',
  'X-Spam-Score: 5', // not above the threshold
  'X-Spam-Score: -3.2',
  'X-Rspamd-Score: 5.9',
  'X-Spam-Score: high', // no number
])('%s is not spam', async (line) => {
  expect(await verdict(line)).toBeNull();
});

test('a mail without spam headers is not spam', async () => {
  expect(await verdict('X-Mailer: Thunderbird')).toBeNull();
});

test('only the topmost occurrence counts: a sender\'s own header below the filter\'s changes nothing', async () => {
  // The filter in front says no; the sender wrote YES into their own mail (harmless to believe, but not the filter's word).
  expect(await verdict('X-Spam-Flag: NO', 'X-Spam-Flag: YES')).toBeNull();
  // The filter says yes; the sender's "NO" below does not clear it.
  expect(await verdict('X-Spam-Flag: YES', 'X-Spam-Flag: NO')).toBe('X-Spam-Flag: YES');
  expect(await verdict('X-Spam-Status: Yes, score=9.0', 'X-Spam-Status: No, score=0.0')).toBe('X-Spam-Status: Yes, score=9.0');
});

test('rules are the admin\'s: a custom one is read, the defaults are not when replaced', async () => {
  const mail = await parseEmail(Buffer.from('X-Barracuda-Spam-Status: Yes, SCORE=8.1\r\nX-Spam-Flag: YES\r\nFrom: a@customer.test\r\n\r\nx\r\n'));
  expect(spamVerdict(mail.headers, [{ header: 'X-Barracuda-Spam-Status', starts_with: ['Yes'] }])).toBe('X-Barracuda-Spam-Status: Yes, SCORE=8.1');
  expect(spamVerdict(mail.headers, [{ header: 'X-Spam-Score', above: 3 }])).toBeNull();
  expect(spamVerdict(mail.headers, [])).toBeNull();
});
