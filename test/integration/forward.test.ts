/**
 * Forward on behalf on real Dovecot and Postfix: a customer writes to the
 * engineer's own inbox, the engineer forwards it to their signed forwarding
 * address (read from the footer of a notification they got), and the
 * request opens for the customer — silent by default, the registration
 * reply to the customer with #notify. The forged forward (the engineer's
 * From, a forwarded block naming the customer, no proof) opens an ordinary
 * request for its From and mails the customer nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { CUSTOMER, ENGINEER, SUPPORT, useMailServers } from '../support/servers';
import { helpdesk } from '../support/cli';
import { daemonEnv, exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { mailsOf, messagesIn } from '../support/imap';
import { forwardAddress } from '../../src/auth/token';
import { Secret } from '../../src/config/secret';
import { inlineForward } from '../../src/mail/forward';
import { parseEmail } from '../../src/mail/parse';

jest.setTimeout(120_000);
const mx = useMailServers();

const mailOf = (user: typeof CUSTOMER, count: number) => mailsOf(mx.servers, user, count);

/** Gmail's inline forward of a mail the customer sent to the engineer. */
function gmailForward(subject: string, own: string): { subject: string; text: string } {
  const block = ['---------- Forwarded message ---------', `From: Иван <${CUSTOMER.address}>`, 'Date: Thu, Nov 19, 2026 at 5:45 PM', `Subject: ${subject}`, `To: Анна <${ENGINEER.address}>`, '', '', `Текст клиента: ${subject}.`];
  return { subject: `Fwd: ${subject}`, text: [own, '', ...block].join('\n') };
}

test('a proven forward opens a request for the original sender (silent; with #notify they get the registration reply); a forged one opens an ordinary request for its From and mails nobody else', async () => {
  const dir = tmpDir('forward');
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir, engineers: true });
  const daemon = startDaemon(config, path.join(dir, 'daemon.log'));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  const requestOf = (subject: string) => waitFor(`the request "${subject}"`, () => query<{ id: number; number: string; requester_address: string }>(dataDir, 'SELECT id, number, requester_address FROM tickets WHERE subject = ?', subject)[0], 30_000, 200);
  const outboxTo = (address: string) => query<{ kind: string; ticket_id: number }>(dataDir, 'SELECT kind, ticket_id FROM outbox WHERE to_address = ? ORDER BY id', address);
  const allSent = () => waitFor('every queued mail sent', () => query<{ n: number }>(dataDir, "SELECT count(*) AS n FROM outbox WHERE status != 'sent'")[0].n === 0, 30_000, 200);
  try {
    // The customer writes to the desk once; the engineer's notification carries their forwarding address in its footer.
    await smtp.sendMail({ from: `Иван <${CUSTOMER.address}>`, to: SUPPORT.address, subject: 'Первое обращение', text: 'Здравствуйте.' });
    const [notification] = await mailOf(ENGINEER, 1);
    const forwarding = /(support\+f\.[0-9a-f]{20}@example\.test)/.exec(notification.text!)![1];
    await mailOf(CUSTOMER, 1); // its registration reply

    // 1. Inline (Gmail), to the forwarding address, no #notify: the customer's request, the customer not told.
    await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: forwarding, ...gmailForward('Не работает вход', 'Заведите, пожалуйста.') });
    const silent = await requestOf('Не работает вход');
    expect(silent.requester_address).toBe(CUSTOMER.address);
    const events = query<{ type: string; actor: string }>(dataDir, 'SELECT type, actor FROM events WHERE ticket_id = ? ORDER BY id', silent.id);
    expect(events.find((e) => e.type === 'ticket.created')!.actor).toBe(ENGINEER.address);
    expect(events.find((e) => e.type === 'ticket.forwarded')!.actor).toBe(ENGINEER.address);
    const confirm = await waitFor('the confirmation', async () => (await mailOf(ENGINEER, 1)).find((m) => m.subject === `[${silent.number}] ✓`), 30_000, 200);
    expect(confirm.text).toContain('Клиенту ничего не сообщено');
    expect(outboxTo(CUSTOMER.address).filter((r) => r.ticket_id === silent.id)).toEqual([]);
    // `tickets show`: the customer's request, opened by the engineer.
    const show = helpdesk(['tickets', 'show', silent.number, '--config', config], { env: daemonEnv });
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/ticket\.created  by anna@vendor\.test .*"forwardedBy":"anna@vendor\.test"/);
    expect(show.out).toMatch(/ticket\.forwarded  by anna@vendor\.test .*"requester":"customer@customer\.test"/);

    // 2. Attached (message/rfc822, as Thunderbird's and Gmail's "forward as attachment" write it) with #notify: the customer gets the registration reply, threaded under their own mail.
    const original = [
      `From: Иван <${CUSTOMER.address}>`, `To: ${ENGINEER.address}`, 'Subject: =?utf-8?B?' + Buffer.from('Счёт не пришёл').toString('base64') + '?=',
      'Date: Thu, 19 Nov 2026 17:45:00 +0300', '<orig-42@customer.test>'.replace(/^/, 'Message-ID: '), 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Счёт за ноябрь не пришёл.', '',
    ].join('\r\n');
    await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: forwarding, subject: 'Fwd: Счёт не пришёл', text: '#notify', attachments: [{ filename: 'original.eml', contentType: 'message/rfc822', contentDisposition: 'attachment', content: original }] });
    const told = await requestOf('Счёт не пришёл');
    expect(told.requester_address).toBe(CUSTOMER.address);
    const registration = await waitFor('the registration reply', async () => (await mailOf(CUSTOMER, 2)).find((m) => m.subject === `[${told.number}] Счёт не пришёл`), 30_000, 200);
    expect(registration.inReplyTo).toBe('<orig-42@customer.test>');
    expect(registration.text).not.toContain(ENGINEER.address);

    // 3. Forged: the engineer's From to the plain support address, a block naming the customer, #notify — no proof.
    await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: SUPPORT.address, ...gmailForward('Подделка', 'Заведите.\n#notify') });
    const forged = await requestOf('Fwd: Подделка');
    expect(forged.requester_address).toBe(ENGINEER.address); // an ordinary request of the From
    await allSent();
    expect(query(dataDir, "SELECT id FROM events WHERE ticket_id = ? AND type = 'ticket.forwarded'", forged.id)).toEqual([]);
    const forgedMail = query<{ to_address: string }>(dataDir, 'SELECT DISTINCT to_address FROM outbox WHERE ticket_id = ?', forged.id);
    expect(forgedMail.map((r) => r.to_address)).toEqual([ENGINEER.address]); // its registration reply and notification: to its From only
    // The customer got exactly the two mails meant for them: the first request's reply and the #notify one.
    const customerMail = await messagesIn(mx.servers, CUSTOMER);
    expect(customerMail).toHaveLength(2);
  } finally {
    smtp.close();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});

/** Each client's inline forward, as the corpus (and test/fixtures/forwards) has it: the forwarded block's text. */
const CLIENTS: [string, string][] = [
  ['gmail', 'email_reply_trimmer/emails/forwarded_gmail.txt'],
  ['apple', 'email_reply_trimmer/emails/forwarded_apple.txt'],
  ['outlook', 'talon/standard_replies/outlook.eml'],
  ['thunderbird', 'forwards/thunderbird.eml'],
  ['yandex', 'forwards/yandex.eml'],
  ['mailru', 'forwards/mailru.eml'],
];

test('each client’s inline forward and an attached one, through Postfix: with proof a request for its original sender; the same mail without proof an ordinary request for its From', async () => {
  const fixtures = path.join(__dirname, '..', 'fixtures');
  const texts = await Promise.all(
    CLIENTS.map(async ([client, file]) => {
      const bytes = fs.readFileSync(path.join(fixtures, file));
      const text = file.endsWith('.txt') ? bytes.toString('utf8') : (await parseEmail(bytes)).text;
      const f = inlineForward(text, 'Europe/Moscow');
      expect(f?.client).toBe(client);
      return { client, text, sender: f!.original.from!.address };
    }),
  );
  const dir = tmpDir('forward-clients');
  const dataDir = path.join(dir, 'data');
  const daemon = startDaemon(writeConfig(dir, mx.servers, { dataDir, engineers: true }), path.join(dir, 'daemon.log'));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  try {
    const forwarding = forwardAddress(new Secret(daemonEnv.TEST_TOKEN_SECRET), SUPPORT.address, ENGINEER.address);
    for (const t of texts) {
      await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: forwarding, subject: `Fwd: proven ${t.client}`, text: t.text });
      await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: SUPPORT.address, subject: `Fwd: forged ${t.client}`, text: t.text });
    }
    // And attached whole (message/rfc822), with and without proof.
    const original = [`From: Пётр <petr@customer.test>`, `To: ${ENGINEER.address}`, 'Subject: attached original', 'Message-ID: <orig-att@customer.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Не открывается отчёт.', ''].join('\r\n');
    const attachment = [{ filename: 'original.eml', contentType: 'message/rfc822', contentDisposition: 'attachment' as const, content: original }];
    await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: forwarding, subject: 'Fwd: proven attached', text: 'Заведите.', attachments: attachment });
    await smtp.sendMail({ from: `Анна <${ENGINEER.address}>`, to: SUPPORT.address, subject: 'Fwd: forged attached', text: 'Заведите.', attachments: attachment });
    const expected = [...texts.map((t) => [t.client, t.sender]), ['attached', 'petr@customer.test']];
    const proven = await waitFor('seven forwarded requests', () => {
      const rows = query<{ client: string; requester: string }>(dataDir, "SELECT json_extract(e.data_json, '$.client') AS client, t.requester_address AS requester FROM events e JOIN tickets t ON t.id = e.ticket_id WHERE e.type = 'ticket.forwarded' ORDER BY e.id");
      return rows.length >= expected.length ? rows : undefined;
    }, 60_000, 200);
    expect(new Map(proven.map((r) => [r.client, r.requester]))).toEqual(new Map(expected as [string, string][]));
    const forged = await waitFor('seven ordinary requests', () => {
      const rows = query<{ subject: string; requester: string }>(dataDir, "SELECT subject, requester_address AS requester FROM tickets WHERE subject LIKE 'Fwd: forged %'");
      return rows.length >= expected.length ? rows : undefined;
    }, 60_000, 200);
    expect(forged.map((r) => r.requester)).toEqual(expected.map(() => ENGINEER.address));
    // A claimed original sender is mailed only for a proven forward that says #notify (Thunderbird's fixture does); a forged one answers its From.
    const senders = [...texts.map((t) => t.sender), 'petr@customer.test'];
    const toSenders = query<{ kind: string; subject: string }>(dataDir, `SELECT kind, subject FROM outbox WHERE to_address IN (${senders.map(() => '?').join(', ')})`, ...senders);
    expect(toSenders.map((r) => r.kind)).toEqual(['registration']);
    expect(toSenders[0].subject).toMatch(/Ошибка при выгрузке$/);
    expect(texts.filter((t) => /^#notify$/m.test(inlineForward(t.text, 'Europe/Moscow')!.own)).map((t) => t.client)).toEqual(['thunderbird']);
  } finally {
    smtp.close();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
