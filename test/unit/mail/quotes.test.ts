/**
 * The new part of a reply. Golden files from two other projects (see
 * test/fixtures/NOTICE.md): discourse/email_reply_trimmer (40 bodies in many
 * languages) and mailgun/talon (replies from 9 clients, 7 HTML replies).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../../src/mail/parse';
import { newPart } from '../../../src/mail/quotes';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('email_reply_trimmer bodies', () => {
  const dir = path.join(fixtures, 'email_reply_trimmer');
  const files = fs.readdirSync(path.join(dir, 'emails')).sort();
  /** Where we differ on purpose or do not yet follow; each must still differ, so the list stays true. */
  const knownDifferences: Record<string, string> = {
    'embedded_email_17.txt': 'an answer written between quoted lines: we keep only what stands above the first quote header',
    'embedded_email_7.txt': 'the same, with "C>" quote prefixes',
    'spam_1.txt': 'nothing but quotes; upstream expects empty text, we never turn a message into nothing',
  };

  test('there are 40', () => expect(files).toHaveLength(40));
  test.each(files.filter((f) => !knownDifferences[f]))('%s', (f) => {
    const body = fs.readFileSync(path.join(dir, 'emails', f), 'utf8');
    expect(norm(newPart(body))).toBe(norm(fs.readFileSync(path.join(dir, 'trimmed', f), 'utf8')));
  });
  test.each(Object.keys(knownDifferences))('known difference: %s', (f) => {
    const body = fs.readFileSync(path.join(dir, 'emails', f), 'utf8');
    expect(norm(newPart(body))).not.toBe(norm(fs.readFileSync(path.join(dir, 'trimmed', f), 'utf8')));
    expect(newPart(body)).not.toBe('');
  });
});

describe('talon replies from mail clients', () => {
  const dir = path.join(fixtures, 'talon');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected-replies.json'), 'utf8')) as {
    standard_replies: Record<string, { expected_reply_text: string }>;
    html_replies: Record<string, { expected_reply_text_whitespace_insensitive: string }>;
  };
  /** We strip signatures (talon keeps them): compare with the signature taken off. */
  const withoutSignature: Record<string, string> = { 'iphone.eml': 'Hello', 'sparrow.eml': 'Hello' };

  test.each(Object.keys(expected.standard_replies).filter((f) => f !== 'thunderbird.eml'))('%s', async (f) => {
    const mail = await parseEmail(fs.readFileSync(path.join(dir, 'standard_replies', f)));
    expect(norm(newPart(mail.text))).toBe(norm(withoutSignature[f] ?? expected.standard_replies[f].expected_reply_text));
  });

  test('known difference: thunderbird.eml (format=flowed joins "> Hi " with the reply below it in the decoder mailparser uses)', async () => {
    const mail = await parseEmail(fs.readFileSync(path.join(dir, 'standard_replies', 'thunderbird.eml')));
    expect(mail.text).toContain('> Hi Hello');
  });

  test.each(Object.keys(expected.html_replies))('%s (HTML)', async (f) => {
    const html = fs.readFileSync(path.join(dir, 'html_replies', f));
    const mail = await parseEmail(Buffer.concat([Buffer.from('From: a@b.test\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'), html]));
    expect(norm(newPart(mail.text))).toBe(norm(expected.html_replies[f].expected_reply_text_whitespace_insensitive));
  });
});

describe('our own cases', () => {
  test.each([
    ['Russian quote header', 'Спасибо, заработало.\n\n20 ноября 2026 г., в 12:30, Служба поддержки <support@example.test> написал(а):\n> Ваше обращение зарегистрировано.', 'Спасибо, заработало.'],
    ['"пишет:" header', 'Да, проблема осталась.\n\nПятница, 20 ноября 2026, 12:30 +03:00 от support@example.test:\n> Уточните, пожалуйста', 'Да, проблема осталась.'],
    ['Outlook in Russian', 'Прикладываю лог.\n\nОт: Служба поддержки <support@example.test>\nОтправлено: 20 ноября 2026 г. 12:30\nКому: ivan@customer.test\nТема: [SUP-2026-000001] Ошибка', 'Прикладываю лог.'],
    ['signature', 'Готово.\n\n-- \nИван Петров\n+7 900 000-00-00', 'Готово.'],
    ['phone signature', 'Ок\n\nОтправлено с iPhone', 'Ок'],
    ['bottom posting', 'On Fri, 20 Nov 2026 at 12:30, Support <support@example.test> wrote:\n> Which version?\n\nVersion 5.2.', 'Version 5.2.'],
    ['no quote at all', 'Just text.\nTwo lines.', 'Just text.\nTwo lines.'],
    ['a sentence that mentions "wrote:" is kept', 'My colleague wrote: the export still fails.\nPlease check.', 'My colleague wrote: the export still fails.\nPlease check.'],
    ['only a quote stays as it is', '> quoted only', '> quoted only'],
  ])('%s', (_name, text, expected) => {
    expect(newPart(text)).toBe(expected);
  });
});
