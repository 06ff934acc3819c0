import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import { Backoff } from './backoff';
import { readState, writeState } from '../db/mailbox-state';

/** How the IMAP client is made; onIdle is called each time the server starts waiting in IDLE. */
export type Connect = (mailbox: ResolvedMailbox, onIdle: () => void) => ImapFlow;

/**
 * Runs one session after another until signal aborts. Between two it waits,
 * from reconnect.initialMs doubling up to maxMs; a session that lasted longer
 * than maxMs was healthy, and the wait starts again from the beginning.
 */
export async function reconnecting(
  session: () => Promise<void>,
  signal: AbortSignal,
  o: { clock: Clock; log: Logger; reconnect: { initialMs: number; maxMs: number } },
): Promise<void> {
  const { clock, log, reconnect } = o;
  const backoff = new Backoff(reconnect);
  while (!signal.aborted) {
    const started = clock.now().getTime();
    try {
      await session();
    } catch (err) {
      if (signal.aborted) break;
      log.warn({ event: 'imap.error', err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'imap.error');
    }
    if (signal.aborted) break;
    if (clock.now().getTime() - started > reconnect.maxMs) backoff.reset();
    const inMs = backoff.next();
    log.info({ event: 'imap.reconnect', inMs }, 'imap.reconnect');
    await clock.sleep(inMs, signal);
  }
}

/**
 * Connects, makes the folders mail is put away in (the spam folder only when spam is read), opens the watched folder
 * and records its UIDVALIDITY (keeping the last UID handled while it stays
 * the same); returns it.
 */
export async function openFolder(client: ImapFlow, o: { mailbox: ResolvedMailbox; db: Db; clock: Clock; log: Logger; readsSpam?: boolean }): Promise<number> {
  const { mailbox, db, clock, log } = o;
  await client.connect();
  log.info({ event: 'imap.connected', host: mailbox.imap.host, idle: client.capabilities.has('IDLE') }, 'imap.connected');
  if (mailbox.imap.after.action === 'move') await ensureFolder(client, mailbox.imap.after.folder);
  await ensureFolder(client, mailbox.imap.quarantine_folder);
  if (o.readsSpam) await ensureFolder(client, mailbox.imap.spam_folder);
  const opened = await client.mailboxOpen(mailbox.imap.folder);
  const uidValidity = Number(opened.uidValidity);
  const state = readState(db, mailbox.name);
  if (state && state.uidValidity !== uidValidity) {
    log.warn({ event: 'imap.uidvalidity.changed', was: state.uidValidity, now: uidValidity }, 'imap.uidvalidity.changed');
  }
  const lastUid = state && state.uidValidity === uidValidity ? state.lastUid : 0;
  writeState(db, mailbox.name, { uidValidity, lastUid }, clock.now());
  return uidValidity;
}

/**
 * The end of a session: `ended` resolves when the client's connection closes
 * or signal aborts. Made before connecting, so a close while the folder is
 * opened is not missed; dispose() takes its listeners off when the session is over.
 */
export function sessionEnd(client: ImapFlow, signal: AbortSignal): { ended: Promise<void>; dispose: () => void } {
  let dispose = () => undefined as void;
  const ended = new Promise<void>((resolve) => {
    dispose = () => {
      client.off('close', dispose);
      signal.removeEventListener('abort', dispose);
      resolve();
    };
    client.once('close', dispose);
    signal.addEventListener('abort', dispose, { once: true });
    if (signal.aborted) dispose();
  });
  return { ended, dispose };
}

export const defaultConnect: Connect = (mailbox, onIdle) => {
  const { imap } = mailbox;
  const quiet = () => undefined;
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.tls,
    auth: { user: imap.user, pass: imap.password.reveal() },
    // imapflow's own log stays quiet; only its "IDLE started" line is taken, for imap.watching.
    logger: {
      debug: (o: { msg?: string }) => (o?.msg?.startsWith('Initiated IDLE') ? onIdle() : undefined),
      info: quiet,
      warn: quiet,
      error: quiet,
      trace: quiet,
    },
    maxIdleTime: 5 * 60_000,
    // imapflow enters IDLE only after this much quiet (default 15 s); until then the server cannot tell us of new mail.
    autoIdleDelay: 100,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    clientInfo: { name: 'mail-helpdesk' },
  });
};

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const list = await client.list();
  if (!list.some((f) => f.path === folder)) {
    await client.mailboxCreate(folder).catch((err: { serverResponseCode?: string }) => {
      if (err.serverResponseCode !== 'ALREADYEXISTS') throw err;
    });
  }
}
