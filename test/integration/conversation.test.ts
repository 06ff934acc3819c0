/**
 * A whole request worked by e-mail on real Dovecot and Postfix: the customer
 * writes, the engineer is notified and answers from their mail client with
 * commands, the customer answers back, the engineer resolves it.
 */
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { CUSTOMER, ENGINEER, SUPPORT, useMailServers } from '../support/servers';
import { exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { mailsOf } from '../support/imap';

jest.setTimeout(120_000);
const mx = useMailServers();

const mailOf = (user: typeof CUSTOMER, count: number) => mailsOf(mx.servers, user, count);

/** What a mail client sends for "Reply": to the Reply-To, Re: subject, threading headers, the original quoted. */
function replyTo(m: ParsedMail, from: string, text: string) {
  return {
    from,
    to: m.replyTo?.value[0].address ?? m.from!.value[0].address!,
    subject: `Re: ${m.subject}`,
    inReplyTo: m.messageId,
    references: [...(Array.isArray(m.references) ? m.references : m.references ? [m.references] : []), m.messageId!],
    text: `${text}\n\nOn Fri, 20 Nov 2026 at 12:30, Support <${SUPPORT.address}> wrote:\n${m.text!.split('\n').map((l) => `> ${l}`).join('\n')}`,
  };
}

test('customer → engineer notified → #status awaiting_info question → customer answers → #status resolved; a #note stays internal', async () => {
  const dir = tmpDir('conversation');
  const dataDir = path.join(dir, 'data');
  const daemon = startDaemon(writeConfig(dir, mx.servers, { dataDir, engineers: true }), path.join(dir, 'daemon.log'));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  const status = () => query<{ status: string }>(dataDir, 'SELECT status FROM tickets')[0]?.status;
  try {
    await smtp.sendMail({
      from: `Иван <${CUSTOMER.address}>`,
      to: SUPPORT.address,
      subject: 'Не выгружается отчёт',
      text: 'Отчёт за октябрь не выгружается, ошибка 500.',
      attachments: [{ filename: 'ошибка.txt', content: 'HTTP 500 at /reports/export' }],
    });
    const [registration] = await mailOf(CUSTOMER, 1);
    const number = /\[(SUP-\d{4}-\d{6})\]/.exec(registration.subject!)![1];

    // The engineer is notified, with a reply address of their own.
    const [notification] = await mailOf(ENGINEER, 1);
    expect(notification.subject).toBe(`[${number}] Не выгружается отчёт`);
    expect(notification.text).toContain('Отчёт за октябрь не выгружается, ошибка 500.');
    expect(notification.replyTo!.value[0].address).toMatch(/^support\+t\..+@example\.test$/);
    expect(notification.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['ошибка.txt', 'HTTP 500 at /reports/export']]);

    // The engineer asks a question.
    await smtp.sendMail(replyTo(notification, ENGINEER.address, '#status awaiting_info\n\nПодскажите, пожалуйста, версию программы.'));
    const [, question] = await mailOf(CUSTOMER, 2);
    expect(question.subject).toBe(`[${number}] Не выгружается отчёт`);
    expect(question.inReplyTo).toBeDefined();
    expect(String(question.references)).toContain(registration.messageId!);
    expect(question.text).toContain('Подскажите, пожалуйста, версию программы.');
    expect(question.text).not.toContain('#status');
    expect(question.from!.value[0].address).toBe(SUPPORT.address);
    expect(JSON.stringify(question.headers.get('reply-to') ?? '')).not.toContain(ENGINEER.address);
    expect(status()).toBe('awaiting_info');

    // An internal note.
    await smtp.sendMail(replyTo(notification, ENGINEER.address, '#note\nПохоже на известную ошибку 5.2.'));
    await waitFor('the note', () => query(dataDir, "SELECT id FROM events WHERE type = 'command.applied'").length === 2, 30_000, 200);

    // The customer answers: back in progress, the engineer hears of it.
    await smtp.sendMail(replyTo(question, CUSTOMER.address, 'Версия 5.2.1.'));
    await waitFor('in progress', () => status() === 'in_progress', 30_000, 200);
    const mails = await mailOf(ENGINEER, 4); // the notification, 2 confirmations, the customer's answer
    const fu = mails.find((m) => m.text!.includes('Клиент ответил'))!;
    expect(fu.text).toContain('Версия 5.2.1.');
    expect(fu.text).not.toContain('> Подскажите'); // the new part only

    // The engineer resolves it with the solution.
    await smtp.sendMail(replyTo(fu, ENGINEER.address, '#status resolved\n\nИсправлено в версии 5.2.2, обновите, пожалуйста.'));
    const [, , solution] = await mailOf(CUSTOMER, 3);
    expect(solution.text).toContain('Исправлено в версии 5.2.2');
    expect(solution.text).toContain('Мы считаем обращение решённым');
    expect(status()).toBe('resolved');

    // The note never reached the customer.
    const customerMail = await mailOf(CUSTOMER, 3);
    expect(customerMail).toHaveLength(3);
    expect(customerMail.some((m) => m.text!.includes('известную ошибку'))).toBe(false);
  } finally {
    smtp.close();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
