import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import type { MailServers } from '../../dev/devmail/servers';

export const root = path.resolve(__dirname, '..', '..');
export const cli = path.join(root, 'bin', 'helpdesk.js');

/** A temp dir below the run's folder (removed after the run by the global teardown). */
export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(process.env.HELPDESK_TEST_TMP ?? os.tmpdir(), `helpdesk-${prefix}-`));
}

export interface ConfigOptions {
  dataDir: string;
  after?: 'move' | 'flag';
  folder?: string;
  language?: 'ru' | 'en';
  attachmentMaxBytes?: number;
  /** List anna@vendor.test as an engineer (with a token secret). */
  engineers?: boolean;
  /** YAML appended at the top level (calendars, plans, sla …). */
  extra?: string;
  /** YAML keys added to the mailbox (indented by 4 spaces, e.g. "    signature: {text: x}\n"). */
  mailboxExtra?: string;
  templatesDir?: string;
}

/** A daemon config pointing at the test mail servers. */
export function writeConfig(dir: string, servers: MailServers, o: ConfigOptions): string {
  const file = path.join(dir, 'helpdesk.yaml');
  fs.writeFileSync(
    file,
    `data_dir: ${o.dataDir}
templates_dir: ${o.templatesDir ?? path.join(root, 'templates')}
log:
  level: debug
outbox:
  poll_seconds: 1
  retry_initial_seconds: 1
  retry_max_seconds: 2
  # One test customer writes hundreds of mails; the caps have their own tests.
  per_recipient_limits: [{ minutes: 10, max: 100000 }]
reconnect:
  initial_seconds: 0.2
  max_seconds: 2
limits:
  attachment_max_bytes: ${o.attachmentMaxBytes ?? 1048576}
${o.engineers ? 'engineers:\n  - { address: anna@vendor.test, name: Анна, line: L1 }\nsecurity:\n  token_secret: { env: TEST_TOKEN_SECRET }\n' : ''}${o.extra ?? ''}mailboxes:
  - name: support
    language: ${o.language ?? 'ru'}
    addresses: [support@example.test]
    from_name: Служба поддержки
${o.mailboxExtra ?? ''}    imap:
      host: 127.0.0.1
      port: ${servers.imapPort}
      tls: false
      user: support@example.test
      password: { env: TEST_IMAP_PASSWORD }
      folder: ${o.folder ?? 'INBOX'}
      poll_seconds: 1
      after: { action: ${o.after ?? 'move'}, folder: Stored }
    smtp:
      host: 127.0.0.1
      port: ${servers.smtpPort}
`,
  );
  return file;
}

export const daemonEnv = { ...process.env, TEST_IMAP_PASSWORD: 'secret-support', TEST_TOKEN_SECRET: 'test-token-secret' };

/** The daemon as a real child process, its stdout (pino JSON) kept in a file. */
export function startDaemon(config: string, logFile: string, extraArgs: string[] = []): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [cli, 'start', '--config', config, ...extraArgs], { env: daemonEnv, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Waits for the child to end by itself; after ms it is killed and this rejects, naming what it waited for. */
export async function exitsWithin(child: ChildProcess, ms: number, what: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: still running ${ms} ms later (killed)`));
    }, ms);
  });
  try {
    return { ...(await Promise.race([exited(child), late])), ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

export function imap(servers: MailServers, user: string, password: string): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: servers.imapPort, secure: false, auth: { user, pass: password }, logger: false });
}

/** Polls until check() returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads the daemon's database from the outside, as an admin would. */
export function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const file = path.join(dataDir, 'helpdesk.sqlite');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare(sql).all(...params) as T[];
  } catch (err) {
    if (/no such table/.test(String(err))) return [];
    throw err;
  } finally {
    db.close();
  }
}

/** The shared third-party mail corpus, beside the project (CI has it; a bare clone does not). */
export const corpusDir = path.resolve(root, '..', 'shared', 'corpus');

/** The corpus files that are mails (MANIFEST.tsv kind "mail"), relative to corpusDir. */
export function corpusMails(): string[] {
  return fs
    .readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c[1] === 'mail')
    .map((c) => c[0]);
}

/** The pino records a daemon wrote so far: whole lines only (the last may be half written while we read). */
export function logEvents(logFile: string): { event?: string; [k: string]: unknown }[] {
  if (!fs.existsSync(logFile)) return [];
  const lines = fs.readFileSync(logFile, 'utf8').split('\n');
  lines.pop(); // after the last newline: nothing, or a line still being written
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}
