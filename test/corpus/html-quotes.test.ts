/**
 * talon's HTML replies (../shared/corpus/reply-quotes-talon/html_replies):
 * Gmail, Mail.ru, Outlook 2003 and 2010, Thunderbird, Windows Mail, Yandex,
 * each "Hi. I am fine. Thanks, Alex" above the quoted "Hello! How are you?".
 * The engineer's HTML answer relayed to the customer keeps the first only.
 * jest.config.js leaves this file out when the corpus is not there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { answerHtml } from '../../src/mail/html-answer';
import { htmlAsText, sameWords } from '../support/alternative';
import { corpusDir } from '../support/env';

const TALON = path.join(corpusDir, 'reply-quotes-talon', 'html_replies');

test.each([
  ['gmail.html'], ['mail_ru.html'], ['ms_outlook_2003.html'], ['ms_outlook_2010.html'], ['thunderbird.html'], ['windows_mail.html'], ['yandex_ru.html'],
])('corpus (talon) %s: "Hi. I am fine. Thanks, Alex" stays, the quoted "Hello! How are you?" goes', (file) => {
  const out = answerHtml(fs.readFileSync(path.join(TALON, file), 'utf8'), 'Hi. I am fine.\n\nThanks,\nAlex');
  expect(out).not.toBeNull();
  expect(sameWords(htmlAsText(out!))).toBe('Hi. I am fine. Thanks, Alex');
  expect(out).not.toMatch(/How are you|Sasha|<style|<script/);
});
