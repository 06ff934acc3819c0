/**
 * Issue 14, part 1, on real Dovecot and Postfix: a customer Cc's two
 * colleagues; both get the registration reply and the engineer's answer with its file,
 * one answers all and joins; the engineer takes one off (#cc -) and hands the
 * request to the other (#requester).
 */
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { CUSTOMER, ENGINEER, SUPPORT, useMailServers } from '../support/servers';
import { helpdesk } from '../support/cli';
import { daemonEnv, exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { mailsOf, type User } from '../support/imap';

jest.setTimeout(180_000);
const OLGA = { address: 'olga@customer.test', password: 'secret-olga' };
const PETR = { address: 'petr@customer.test', password: 'secret-petr' };
const mx = useMailServers({}, [OLGA, PETR]);

/** The mail the desk sent the user (the colleagues also get, as any Cc'd person does, the customers' own mails). */
const mailOf = (user: User, count: number) => mailsOf(mx.servers, user, count, (m) => m.from?.value[0].address === SUPPORT.address);

const addresses = (a: ParsedMail['to']) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));
const refs = (m: ParsedMail) => (Array.isArray(m.references) ? m.references : m.references ? [m.references] : []);

test('two Cc’d colleagues get the registration reply and the answers; a reply-all joins; #cc - takes one off; #requester hands it over', async () => {
  const dir = tmpDir('participants');
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir, engineers: true });
  const daemon = startDaemon(config, path.join(dir, 'daemon.log'));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  const answer = (to: ParsedMail, text: string, attachments: { filename: string; content: string }[] = []) =>
    smtp.sendMail({ from: ENGINEER.address, to: to.replyTo!.value[0].address, subject: `Re: ${to.subject}`, inReplyTo: to.messageId, references: [...refs(to), to.messageId!], text, attachments });
  try {
    await smtp.sendMail({ from: `Иван <${CUSTOMER.address}>`, to: SUPPORT.address, cc: [`Ольга <${OLGA.address}>`, PETR.address], subject: 'Не печатает принтер', text: 'Принтер в бухгалтерии не печатает.' });

    // Each of the three gets the registration reply: To the requester, Cc the colleagues.
    const registrations = await Promise.all([CUSTOMER, OLGA, PETR].map(async (u) => (await mailOf(u, 1))[0]));
    for (const r of registrations) {
      expect(r.subject).toMatch(/^\[SUP-\d{4}-\d{6}\] Не печатает принтер$/);
      expect(addresses(r.to)).toEqual([CUSTOMER.address]);
      expect(addresses(r.cc)).toEqual([OLGA.address, PETR.address]);
    }
    expect(new Set(registrations.map((r) => r.messageId)).size).toBe(3);
    const number = /\[(SUP-\d{4}-\d{6})\]/.exec(registrations[0].subject!)![1];

    // The engineer answers with a file; all three get it, with the file.
    const [notification] = await mailOf(ENGINEER, 1);
    await answer(notification, 'Перезагрузите принтер, пожалуйста, и поставьте этот драйвер.', [{ filename: 'драйвер.inf', content: '[Version]\nSignature="$Windows NT$"\n' }]);
    for (const u of [CUSTOMER, OLGA, PETR]) {
      const [, relay] = await mailOf(u, 2);
      expect(relay.text).toContain('Перезагрузите принтер');
      expect(addresses(relay.cc)).toEqual([OLGA.address, PETR.address]);
      expect(relay.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['драйвер.inf', '[Version]\nSignature="$Windows NT$"\n']]);
    }

    // Olga answers all, from her own mail client: her mail joins the request.
    const [, toOlga] = await mailOf(OLGA, 2);
    await smtp.sendMail({ from: OLGA.address, to: SUPPORT.address, cc: [CUSTOMER.address, PETR.address], subject: `Re: ${toOlga.subject}`, inReplyTo: toOlga.messageId, references: [...refs(toOlga), toOlga.messageId!], text: 'Перезагрузили, не помогло.' });
    await waitFor('Olga’s mail on the request', () => query(dataDir, "SELECT m.id FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.number = ? AND m.from_address = ?", number, OLGA.address).length === 1, 60_000, 200);
    const followUp = (await mailOf(ENGINEER, 3)).find((m) => m.text!.includes('Перезагрузили, не помогло.'))!;

    // #cc - Petr: the next answer reaches Ivan and Olga only.
    await answer(followUp, `#cc -${PETR.address}\n\nПроверьте, пожалуйста, драйвер.`);
    const [, , driver] = await mailOf(CUSTOMER, 3);
    expect(driver.text).toContain('Проверьте, пожалуйста, драйвер.');
    expect(addresses(driver.cc)).toEqual([OLGA.address]);
    expect((await mailOf(OLGA, 3))[2].text).toContain('Проверьте, пожалуйста, драйвер.');

    // #requester Olga: mail goes To her now, Ivan in Cc.
    await answer(followUp, `#requester ${OLGA.address}\n\nОльга, дальше работаем с вами.`);
    const [, , , handed] = await mailOf(OLGA, 4);
    expect(addresses(handed.to)).toEqual([OLGA.address]);
    expect(addresses(handed.cc)).toEqual([CUSTOMER.address]);
    expect((await mailOf(CUSTOMER, 4))[3].text).toContain('Ольга, дальше работаем с вами.');
    expect(await mailOf(PETR, 2)).toHaveLength(2); // nothing after #cc -

    const show = helpdesk(['tickets', 'show', number, '--config', config], { env: daemonEnv });
    expect(show.code).toBe(0);
    expect(show.out).toMatch(new RegExp(`participant: <${PETR.address}>  added by ${CUSTOMER.address} at \\S+  — removed by ${ENGINEER.address} at \\S+`));
    expect(show.out).toMatch(new RegExp(`participant: <${CUSTOMER.address}>  added by ${ENGINEER.address} at \\S+\n`));
    expect(query(dataDir, 'SELECT address, added_by, removed_by FROM participants ORDER BY id')).toEqual([
      { address: OLGA.address, added_by: CUSTOMER.address, removed_by: ENGINEER.address }, // the requester now, not a participant
      { address: PETR.address, added_by: CUSTOMER.address, removed_by: ENGINEER.address },
      { address: CUSTOMER.address, added_by: ENGINEER.address, removed_by: null },
    ]);
  } finally {
    smtp.close();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
