import { internalLine, ownText } from '../../../src/commands/reply-text';

const us = ['support@example.test', 'Служба поддержки'];
const note = '##- Пишите ответ выше этой строки -##\nНовое обращение SUP-2026-000001\nОт: Иван <ivan@customer.test>\nПомогите.';

test.each([
  ['quoted with ">" under a header we know', `Смотрим.\n\nOn Fri, 20 Nov 2026 at 12:30, Support <support@example.test> wrote:\n${note.replace(/^/gm, '> ')}`],
  ['quoted with "> >" twice', `Смотрим.\n\n> > ${note.split('\n').join('\n> > ')}`],
  ['not quoted, under a header naming us and a date', `Смотрим.\n\nСлужба поддержки | 20.11.2026 12:30\n${note}`],
  ['not quoted, no header', `Смотрим.\n\n${note}`],
  ['the marker with an invisible character in it', `Смотрим.\n\n##-\u200b Пишите ответ выше этой строки -##\nНовое обращение SUP-2026-000001`],
])('the answer above our marker, nothing from it down: %s', (_name, text) => {
  expect(ownText(text, us)).toBe('Смотрим.');
  expect(ownText(text.replace('Смотрим.', ''), us)).toBe('');
});

test('a last paragraph that names us without a date is the engineer\'s, and stays', () => {
  expect(ownText(`Смотрим.\n\nСлужба поддержки ответит до вечера.\n\n${note}`, us)).toBe('Смотрим.\n\nСлужба поддержки ответит до вечера.');
});

test('our internal text is found whatever its quoting and spacing; the customer\'s words and short lines are not ours', () => {
  const internal = ['Новое обращение SUP-2026-000001\nОт: Иван <ivan@customer.test>\nЛиния: L1\nПомогите, пожалуйста, срочно.'];
  const theirs = ['Помогите, пожалуйста, срочно.'];
  expect(internalLine('Смотрим.\n>  От:  Иван <ivan@customer.test>', internal, theirs)).toBe('>  От:  Иван <ivan@customer.test>');
  expect(internalLine('Смотрим.\nНовое\u200b обращение SUP-2026-000001', internal, theirs)).not.toBeNull();
  expect(internalLine('Вы писали:\nПомогите, пожалуйста, срочно.\nЛиния: L1', internal, theirs)).toBeNull();
});
