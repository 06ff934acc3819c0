/**
 * Secrets never reach the logs: a daemon whose passwords and token secret are
 * unique strings runs at trace level through IMAP login failures, a
 * registered request, mail sent with SMTP credentials, a reload and a stop
 * (which must end the process at once); then every log line and
 * the output of the admin commands are searched for those strings.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail } from '../support/mails';
import { cli, daemonEnv, exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, clearFolder } from '../support/imap';

jest.setTimeout(120_000);

const mx = useMailServers();
afterEach(async () => {
  for (const f of ['INBOX', 'Stored']) await clearFolder(mx.servers, SUPPORT, f);
  await clearFolder(mx.servers, CUSTOMER);
});

test('passwords and the token secret appear in no log line and no command output', async () => {
  const dir = tmpDir('secrets');
  const dataDir = path.join(dir, 'data');
  const unique = (what: string) => `${what}-${crypto.randomBytes(12).toString('hex')}`;
  const secrets = { wrongImap: unique('imap-pw'), smtp: unique('smtp-pw'), token: unique('token') };
  fs.writeFileSync(path.join(dir, 'imap-broken.secret'), `${secrets.wrongImap}\n`);
  fs.writeFileSync(path.join(dir, 'token.secret'), secrets.token);
  const base = fs.readFileSync(writeConfig(dir, mx.servers, { dataDir }), 'utf8');
  const config = path.join(dir, 'helpdesk.yaml');
  fs.writeFileSync(
    config,
    base
      .replace('log:\n  level: debug', 'log:\n  level: trace')
      .replace('mailboxes:\n', `engineers:\n  - { address: anna@vendor.test, name: Анна, line: L1 }\nsecurity:\n  token_secret: { file: ${path.join(dir, 'token.secret')} }\nmailboxes:\n`) +
      `  - name: broken
    addresses: [broken@example.test]
    from_name: Broken
    imap:
      host: 127.0.0.1
      port: ${mx.servers.imapPort}
      tls: false
      user: support@example.test
      password: { file: ${path.join(dir, 'imap-broken.secret')} }
      after: { action: flag }
    smtp:
      host: 127.0.0.1
      port: ${mx.servers.smtpPort}
      user: broken@example.test
      password: { env: BROKEN_SMTP_PASSWORD }
`,
  );
  const env = { ...daemonEnv, BROKEN_SMTP_PASSWORD: secrets.smtp };
  const run = (...args: string[]) => {
    try {
      return execFileSync(process.execPath, [cli, ...args, '--config', config], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stdout: string; stderr: string };
      return `${e.stdout}${e.stderr}`;
    }
  };
  const log = path.join(dir, 'daemon.log');
  const outputs = [run('check-config')];
  Object.assign(daemonEnv, { BROKEN_SMTP_PASSWORD: secrets.smtp }); // startDaemon passes daemonEnv to the daemon
  const daemon = startDaemon(config, log);
  try {
    await waitFor('the broken mailbox to fail its login', () => logEvents(log).some((e) => e.event === 'imap.error' && (e as { mailbox?: string }).mailbox === 'broken'), 30_000, 200);
    await append(mx.servers, SUPPORT, 'INBOX', [buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'secret test', body: 'hello' }).raw]);
    await waitFor('the request', () => query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM tickets')[0]?.n === 1, 30_000, 200);
    // An outbox row for the mailbox whose SMTP login must fail.
    const db = new Database(path.join(dataDir, 'helpdesk.sqlite'));
    db.prepare("INSERT INTO outbox (kind, mailbox, message_id, from_address, from_name, to_address, subject, text, next_attempt_at, created_at) VALUES ('registration','broken','<s@x>','broken@example.test','B','customer@customer.test','s','t','2000-01-01','2000-01-01')").run();
    db.close();
    await waitFor('the mail of the second mailbox to be sent', () => logEvents(log).some((e) => String(e.event).startsWith('outbox.') && e.outboxId === 3), 30_000, 200);
    daemon.kill('SIGHUP');
    await waitFor('the reload', () => logEvents(log).some((e) => String(e.event).startsWith('daemon.reload')), 10_000, 100);
    await waitFor('the broken mailbox to fail again after the reload', () => logEvents(log).filter((e) => e.event === 'daemon.started').length === 2, 10_000, 100);
  } finally {
    const t0 = performance.now();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
    delete (daemonEnv as Record<string, string | undefined>).BROKEN_SMTP_PASSWORD;
  }
  outputs.push(run('tickets', 'list'), run('quarantine', 'list'));
  const everything = [fs.readFileSync(log, 'utf8'), ...outputs].join('\n');
  const events = new Set(logEvents(log).map((e) => e.event));
  for (const e of ['imap.error', 'intake.message.stored', 'outbox.sent', 'daemon.reloaded', 'daemon.stopped']) expect(events).toContain(e);
  for (const [what, value] of Object.entries(secrets)) expect({ what, found: everything.includes(value) }).toEqual({ what, found: false });
  expect(everything).not.toContain(SUPPORT.password);
});
