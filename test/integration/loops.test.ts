/**
 * Loops through engineers, on real Dovecot and Postfix (issue 11, class 4).
 * An engineer's out-of-office answers everything it gets, as real ones do;
 * another engineer's address does not exist, so Postfix bounces every mail to
 * it back to the desk. Neither may start a ping-pong: the desk must come to
 * rest with a bounded number of mails, and the customer must hear nothing of
 * the engineers' machines.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { CUSTOMER, ENGINEER, SUPPORT, useMailServers } from '../support/servers';
import { exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { countIn, messagesIn } from '../support/imap';

jest.setTimeout(180_000);
const mx = useMailServers();
const GHOST = 'ghost@vendor.test'; // an engineer whose mailbox does not exist: Dovecot's LMTP refuses it, Postfix bounces
const OOO = 'Я в отпуске до 10 декабря. Срочные вопросы: +7 900 123-45-67, руководитель Пётр Сидоров.';

test('an engineer\'s out-of-office and a bouncing engineer address come to rest: no relay, no confirmation ping-pong, no bounce ping-pong', async () => {
  const dir = tmpDir('loops');
  const dataDir = path.join(dir, 'data');
  const extra = `engineers:
  - { address: ${ENGINEER.address}, name: Анна, line: L1 }
  - { address: ${GHOST}, name: Призрак, line: L1 }
security:
  token_secret: { env: TEST_TOKEN_SECRET }
`;
  const daemon = startDaemon(writeConfig(dir, mx.servers, { dataDir, extra }), path.join(dir, 'daemon.log'));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  const answered = new Set<string>();
  /** Anna's out-of-office: one answer to each mail it has not answered yet, to its Reply-To, as a vacation responder does. */
  const autoRespond = async (): Promise<number> => {
    let n = 0;
    for (const m of await messagesIn(mx.servers, ENGINEER)) {
      const mail: ParsedMail = await simpleParser(m.raw);
      if (answered.has(mail.messageId!)) continue;
      answered.add(mail.messageId!);
      await smtp.sendMail({
        from: `Анна <${ENGINEER.address}>`,
        to: mail.replyTo?.value[0].address ?? mail.from!.value[0].address!,
        subject: `Автоответ: ${mail.subject}`,
        inReplyTo: mail.messageId,
        references: [mail.messageId!],
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: OOO,
      });
      n++;
    }
    return n;
  };
  /** Nothing in flight anywhere: Postfix's queue, the desk's inbox, the desk's outbox. */
  const atRest = async () =>
    (await mx.servers.queued()) === 0 &&
    (await countIn(mx.servers, SUPPORT, 'INBOX')) === 0 &&
    query<{ n: number }>(dataDir, "SELECT count(*) AS n FROM outbox WHERE status = 'pending'")[0]?.n === 0;
  try {
    await smtp.sendMail({ from: `Иван <${CUSTOMER.address}>`, to: SUPPORT.address, subject: 'Не печатает принтер', text: 'Принтер в бухгалтерии не печатает.' });
    await waitFor('the request registered and both engineers notified', () => query<{ n: number }>(dataDir, "SELECT count(*) AS n FROM outbox WHERE kind = 'notify-new' AND status IN ('sent', 'bounced')")[0]?.n === 2, 60_000, 200);
    // Each round: the responder answers what is new; then wait until the desk and the servers are at rest. A loop never rests with nothing new.
    let rounds = 0;
    for (; rounds < 8; rounds++) {
      await waitFor('the desk and the mail servers at rest', atRest, 60_000, 200);
      if ((await autoRespond()) === 0) break;
    }
    expect(rounds).toBeLessThanOrEqual(3);

    // The customer got the registration reply and nothing else: no out-of-office relayed, no phone number.
    const toCustomer = await Promise.all((await messagesIn(mx.servers, CUSTOMER)).map((m) => simpleParser(m.raw)));
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0].text).not.toContain('+7 900');
    // Anna got her notification, and at most one word that her colleague's address bounces; never a confirmation of her machine.
    const toAnna = await Promise.all((await messagesIn(mx.servers, ENGINEER)).map((m) => simpleParser(m.raw)));
    expect(toAnna.length).toBeGreaterThanOrEqual(1);
    expect(toAnna.length).toBeLessThanOrEqual(2);
    expect(toAnna.filter((m) => /✓|✗/.test(m.subject ?? ''))).toHaveLength(0);
    const kinds = query<{ kind: string; to_address: string; n: number }>(dataDir, 'SELECT kind, to_address, count(*) AS n FROM outbox GROUP BY kind, to_address ORDER BY kind, to_address');
    expect(kinds.filter((k) => k.to_address === GHOST).map((k) => k.kind)).toEqual(['notify-new']);
    expect(kinds.filter((k) => k.kind === 'relay' || k.kind === 'confirm')).toEqual([]);
    const ticket = query<{ status: string; reacted_at: string | null }>(dataDir, 'SELECT status, reacted_at FROM tickets');
    expect(ticket).toEqual([{ status: 'new', reacted_at: null }]);
    // The machines' mail is all kept: the out-of-office as an engineer.automated event, the bounce as a delivery failure.
    const events = query<{ type: string; n: number }>(dataDir, 'SELECT type, count(*) AS n FROM events GROUP BY type');
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'engineer.automated' }), expect.objectContaining({ type: 'delivery.failed' })]));
  } catch (err) {
    // What the desk did, for the failure's message.
    throw new Error(`${(err as Error).message}\noutbox: ${JSON.stringify(query(dataDir, 'SELECT id, kind, to_address, status, last_error FROM outbox'))}\nlog tail:\n${fs.readFileSync(path.join(dir, 'daemon.log'), 'utf8').split('\n').slice(-15).join('\n')}`);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
    smtp.close();
  }
});
