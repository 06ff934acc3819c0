import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { startMailServers } from '../devmail/servers';

/** The checkout: dev/demo/ and dist-dev/demo/ both sit two levels below it. */
const root = path.resolve(__dirname, '..', '..');
/** The real `helpdesk` command (it runs dist/, which `npm ci` builds). */
const helpdesk = path.join(root, 'bin', 'helpdesk.js');

/**
 * `npm run demo`: a private Dovecot + Postfix on loopback, the daemon on a demo
 * config, three requests in Russian, then what was registered and what the
 * customers received. Everything lives in a temp dir and is removed at the end.
 * The daemon and `tickets list` run as the `helpdesk` command, as an admin runs
 * them: the demo is not part of the daemon and imports none of it.
 */
const customers = [
  {
    address: 'ivan.petrov@romashka.test',
    name: 'Иван Петров',
    subject: 'Не работает вход в личный кабинет',
    text: 'Здравствуйте!\n\nС утра не можем войти в личный кабинет: после ввода пароля страница обновляется и снова просит логин.\nОрганизация: ООО «Ромашка», учётная запись ivanov.\nОжидали: вход в кабинет. Получили: снова форма входа.\n\nС уважением,\nИван Петров',
  },
  {
    address: 'olga@vector.test',
    name: 'Ольга Смирнова',
    subject: 'Ошибка при выгрузке отчёта',
    text: 'Добрый день.\n\nПри выгрузке отчёта за октябрь появляется ошибка 500. Снимок экрана во вложении.\n\nОльга',
    attachment: { filename: 'ошибка.png', content: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1a7b20000000049454e44ae426082', 'hex') },
  },
  {
    address: 'a.kuznetsov@vector.test',
    name: 'Алексей Кузнецов',
    subject: 'Прошу предоставить доступ к порталу',
    text: 'Прошу предоставить доступ к порталу новому сотруднику, Петру Сидорову (p.sidorov@vector.test).\n\nАлексей',
  },
];

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-demo-'));
  const support = { address: 'support@helpdesk.test', password: 'demo-support' };
  const users = [support, ...customers.map((c) => ({ address: c.address, password: 'demo' }))];
  console.log('Starting Dovecot and Postfix on 127.0.0.1 ...');
  const servers = await startMailServers(users);
  const configFile = path.join(work, 'helpdesk.yaml');
  fs.writeFileSync(
    configFile,
    `data_dir: ${path.join(work, 'data')}
outbox: {poll_seconds: 1, retry_initial_seconds: 1}
mailboxes:
  - name: support
    language: ru
    addresses: [${support.address}]
    from_name: Служба поддержки
    imap: {host: 127.0.0.1, port: ${servers.imapPort}, tls: false, user: ${support.address}, password: {env: DEMO_IMAP_PASSWORD}, folder: INBOX, after: {action: move, folder: Stored}}
    smtp: {host: 127.0.0.1, port: ${servers.smtpPort}}
`,
  );
  const logFile = path.join(work, 'daemon.log');
  const daemon = startDaemon(configFile, logFile, { DEMO_IMAP_PASSWORD: support.password });
  try {
    console.log(`Daemon started (config ${configFile}).\nSending ${customers.length} requests to ${support.address} over SMTP (port ${servers.smtpPort}) ...`);
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: servers.smtpPort, secure: false, ignoreTLS: true });
    for (const c of customers) {
      await smtp.sendMail({
        from: { name: c.name, address: c.address },
        to: support.address,
        subject: c.subject,
        text: c.text,
        attachments: c.attachment ? [{ filename: c.attachment.filename, content: c.attachment.content, contentType: 'image/png' }] : [],
      });
    }
    smtp.close();

    const replies = [];
    for (const c of customers) replies.push(...(await Promise.race([waitForMail(servers.imapPort, c.address, 60_000), daemon.failed])));
    console.log('\n=== Registered requests (helpdesk tickets list) ===');
    const { stdout } = await promisify(execFile)(process.execPath, [helpdesk, 'tickets', 'list', '--config', configFile]);
    console.log(stdout.trimEnd());
    console.log('\n=== Replies the customers received ===');
    for (const r of replies) {
      console.log(`\nTo: ${r.to}\nSubject: ${r.subject}\nIn-Reply-To: ${r.inReplyTo}\n\n${r.text.trim()}`);
    }
    const events = new Map<string, number>();
    for (const line of fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean)) {
      const e = (JSON.parse(line) as { event?: string }).event;
      if (e) events.set(e, (events.get(e) ?? 0) + 1);
    }
    console.log(`\nDaemon log events: ${[...events].map(([e, n]) => `${e} ×${n}`).join(', ')}`);
  } finally {
    await daemon.stop();
    await servers.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `helpdesk start` in a child process, its JSON log lines into logFile. failed
 * rejects if it exits before stop() (a config the daemon refuses, say), so the
 * demo does not wait a minute for replies that cannot come.
 */
function startDaemon(configFile: string, logFile: string, env: Record<string, string>) {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [helpdesk, 'start', '--config', configFile], { env: { ...process.env, ...env }, stdio: ['ignore', log, 'inherit'] });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const failed = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the daemon exited (code ${code}) before the demo was done; its log: ${logFile}`))));
  failed.catch(() => undefined); // raced only while the demo waits for replies; its exit on stop() is no failure
  return {
    failed,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForMail(port: number, user: string, timeoutMs: number) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: 'demo' }, logger: false });
    await client.connect();
    const lock = await client.getMailboxLock('INBOX');
    const found = [];
    try {
      if ((client.mailbox as { exists: number }).exists > 0) {
        for await (const m of client.fetch('1:*', { source: true })) {
          const p = await simpleParser(m.source!);
          found.push({ to: user, subject: p.subject ?? '', inReplyTo: p.inReplyTo ?? '', text: p.text ?? '' });
        }
      }
    } finally {
      lock.release();
      await client.logout();
    }
    if (found.length > 0) return found;
    if (performance.now() > until) throw new Error(`no reply reached ${user} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
