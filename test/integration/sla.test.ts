/**
 * The SLA sweep end to end on real servers, time driven by a clock file the
 * daemon reads (`start --clock-file`): reminder, breach with escalation,
 * a reminder to the customer we wait for, auto-close — each delivered once,
 * across a daemon restart. Plan: 24x7, reaction 20 min, resolution 3 h.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { BOSS, CUSTOMER, ENGINEER, SUPPORT, useMailServers } from '../support/servers';
import { exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { messagesIn } from '../support/imap';

jest.setTimeout(120_000);
const mx = useMailServers();

const SLA_YAML = `calendars:
  always: { time_zone: Europe/Moscow, hours: 24x7 }
plans:
  premium:
    calendar: always
    severities:
      critical: { reaction: 20m, resolution: 3h }
requests:
  default_plan: premium
  default_severity: critical
sla:
  sweep_cron: "* * * * * *"
  remind_at: [0.5]
  escalation: { L1: ${BOSS.address} }
  awaiting_remind_days: [1]
  awaiting_expire_days: 0
  autoclose_days: 1
`;

async function inbox(user: typeof CUSTOMER): Promise<ParsedMail[]> {
  return Promise.all((await messagesIn(mx.servers, user)).map((m) => simpleParser(m.raw)));
}
const count = async (user: typeof CUSTOMER, pred: (m: ParsedMail) => boolean) => (await inbox(user)).filter(pred).length;
const waitCount = (what: string, user: typeof CUSTOMER, pred: (m: ParsedMail) => boolean, n: number) =>
  waitFor(what, async () => (await count(user, pred)) >= n, 30_000, 250);

test('reminder, breach and escalation, a wait reminder and auto-close: each once, also across a restart', async () => {
  const dir = tmpDir('sla-e2e');
  const dataDir = path.join(dir, 'data');
  const clockFile = path.join(dir, 'now');
  const setNow = (ms: number) => fs.writeFileSync(clockFile, new Date(ms).toISOString());
  setNow(Date.now());
  const config = writeConfig(dir, mx.servers, { dataDir, engineers: true, extra: SLA_YAML });
  const start = (n: number) => startDaemon(config, path.join(dir, `daemon-${n}.log`), ['--clock-file', clockFile]);
  let daemon = start(1);
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  const isSla = (kind: string) => (m: ParsedMail) => (m.text ?? '').includes(kind);
  try {
    await smtp.sendMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'Сервер недоступен', text: 'Не открывается портал.' });
    const [notification] = await waitFor('the notification', async () => {
      const got = await inbox(ENGINEER);
      return got.length ? got : undefined;
    }, 30_000, 250);
    const t = query<{ created_at: string; reaction_due: string; number: string }>(dataDir, 'SELECT created_at, reaction_due, number FROM tickets')[0];
    const created = Date.parse(t.created_at);
    expect(Date.parse(t.reaction_due) - created).toBe(20 * 60_000);

    setNow(created + 10 * 60_000 + 1000); // 50 % of the reaction time
    await waitCount('the 50 % reminder', ENGINEER, isSla('прошло 50% срока реакции'), 1);

    setNow(created + 20 * 60_000 + 1000); // the breach
    await waitCount('the breach to the engineer', ENGINEER, isSla('НАРУШЕН срок реакции'), 1);
    await waitCount('the breach to the escalation address', BOSS, isSla('НАРУШЕН срок реакции'), 1);

    // A restart: nothing is sent again.
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
    daemon = start(2);
    await waitFor('the second daemon sweeping', () => fs.readFileSync(path.join(dir, 'daemon-2.log'), 'utf8').includes('imap.connected'), 30_000);
    await new Promise((r) => setTimeout(r, 2500)); // two sweeps (every second) at the same time

    // The engineer asks for information; a day later the customer is reminded.
    const asked = created + 30 * 60_000;
    setNow(asked);
    await smtp.sendMail({ from: ENGINEER.address, to: notification.replyTo!.value[0].address, subject: `Re: ${notification.subject}`, inReplyTo: notification.messageId, text: '#status awaiting_info\n\nКакой у вас браузер?' });
    await waitCount('the question', CUSTOMER, isSla('Какой у вас браузер?'), 1);
    setNow(asked + 24 * 3_600_000 + 1000);
    await waitCount('the wait reminder', CUSTOMER, isSla('мы всё ещё ждём от вас информацию'), 1);

    // Resolved; a day later closed with a closing mail.
    const resolved = asked + 25 * 3_600_000;
    setNow(resolved);
    await smtp.sendMail({ from: ENGINEER.address, to: notification.replyTo!.value[0].address, subject: `Re: ${notification.subject}`, inReplyTo: notification.messageId, text: '#status resolved\n\nОбновите браузер.' });
    await waitFor('resolved', () => query<{ status: string }>(dataDir, 'SELECT status FROM tickets')[0].status === 'resolved', 30_000, 250);
    setNow(resolved + 24 * 3_600_000 + 1000);
    await waitCount('the closing mail', CUSTOMER, isSla('закрыто и передано в архив'), 1);
    expect(query<{ status: string }>(dataDir, 'SELECT status FROM tickets')[0].status).toBe('closed');
    await new Promise((r) => setTimeout(r, 2500)); // more sweeps: still nothing twice

    expect(await count(ENGINEER, isSla('прошло 50% срока реакции'))).toBe(1);
    expect(await count(ENGINEER, isSla('НАРУШЕН срок реакции'))).toBe(1);
    expect(await count(BOSS, isSla('НАРУШЕН срок реакции'))).toBe(1);
    expect(await count(CUSTOMER, isSla('мы всё ещё ждём от вас информацию'))).toBe(1);
    expect(await count(CUSTOMER, isSla('закрыто и передано в архив'))).toBe(1);
    expect(query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM sla_notices')[0].n).toBe(4);
  } finally {
    smtp.close();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
