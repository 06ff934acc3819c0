import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import { rawBytes, type IntakeInput, type Outcome, type StoredRaw } from '../intake/types';
import type { Readable } from 'node:stream';
import { isTransient } from '../intake/quarantine';
import { readState, writeState } from './state';

export interface WatcherDeps {
  mailbox: ResolvedMailbox;
  db: Db;
  clock: Clock;
  log: Logger;
  process: (input: IntakeInput) => Promise<Outcome>;
  /** Keeps a message that cannot be processed; returns its quarantine id. */
  quarantine: (o: { raw: Buffer; mailbox: string; receivedAt: Date; error: Error }) => Promise<number>;
  reconnect: { initialMs: number; maxMs: number };
  /** Where a large message is streamed as it is fetched, so that it is never whole in memory (absent: fetched into memory). */
  spool?: (stream: Readable) => Promise<StoredRaw>;
  /** For tests: how the IMAP client is made. */
  connect?: (mailbox: ResolvedMailbox) => ImapFlow;
}

/**
 * Watches one IMAP folder over one connection: IDLE where the server has it,
 * polling otherwise. Each message is handed to intake; only after intake has
 * committed is it moved (or flagged), so a crash at any point leaves it in
 * the folder to be seen again, and intake's duplicate check makes that safe.
 */
export class MailboxWatcher {
  private client: ImapFlow | null = null;
  private stopping = false;
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** A rescan for messages deferred by a transient fault (disk full, database busy), with its backoff. */
  private retry: NodeJS.Timeout | null = null;
  private retryDelay: number;

  constructor(private readonly d: WatcherDeps) {
    this.retryDelay = d.reconnect.initialMs;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops taking new mail, lets the message in flight finish, logs out. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.scanning?.catch(() => undefined);
    const client = this.client;
    if (client?.usable) await client.logout().catch(() => client.close());
    else client?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { log, reconnect } = this.d;
    let delay = reconnect.initialMs;
    while (!this.stopping) {
      const started = this.d.clock.now().getTime();
      try {
        await this.session();
      } catch (err) {
        if (this.stopping) break;
        log.warn({ event: 'imap.error', err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'imap.error');
      }
      if (this.stopping) break;
      // A session that lasted a while was healthy: start the backoff again from the beginning.
      if (this.d.clock.now().getTime() - started > reconnect.maxMs) delay = reconnect.initialMs;
      log.info({ event: 'imap.reconnect', inMs: delay }, 'imap.reconnect');
      await this.sleep(delay);
      delay = Math.min(reconnect.maxMs, delay * 2);
    }
  }

  /** One connection: connect, open the folder, scan, then wait for news until the connection ends. */
  private async session(): Promise<void> {
    const { mailbox, log } = this.d;
    const client = (this.d.connect ?? defaultConnect)(mailbox);
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (err: Error) => log.warn({ event: 'imap.error', err: { message: err.message } }, 'imap.error'));
    await client.connect();
    log.info({ event: 'imap.connected', host: mailbox.imap.host, idle: client.capabilities.has('IDLE') }, 'imap.connected');
    if (mailbox.imap.after.action === 'move') await ensureFolder(client, mailbox.imap.after.folder);
    await ensureFolder(client, mailbox.imap.quarantine_folder);
    const opened = await client.mailboxOpen(mailbox.imap.folder);
    const uidValidity = Number(opened.uidValidity);
    const state = readState(this.d.db, mailbox.name);
    if (state && state.uidValidity !== uidValidity) {
      log.warn({ event: 'imap.uidvalidity.changed', was: state.uidValidity, now: uidValidity }, 'imap.uidvalidity.changed');
    }
    const lastUid = state && state.uidValidity === uidValidity ? state.lastUid : 0;
    writeState(this.d.db, mailbox.name, { uidValidity, lastUid }, this.d.clock.now());

    client.on('exists', () => this.requestScan(client, uidValidity));
    let poll: NodeJS.Timeout | undefined;
    if (!client.capabilities.has('IDLE')) {
      poll = setInterval(() => this.requestScan(client, uidValidity), mailbox.imap.poll_seconds * 1000);
      poll.unref();
    }
    try {
      this.requestScan(client, uidValidity);
      await Promise.race([closed, new Promise<void>((resolve) => (this.wake = resolve))]);
      await this.scanning;
    } finally {
      if (poll) clearInterval(poll);
      if (this.retry) clearTimeout(this.retry);
      this.retry = null;
      this.wake = null;
    }
    if (!this.stopping) throw new Error('connection closed');
  }

  private requestScan(client: ImapFlow, uidValidity: number): void {
    if (this.stopping) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = (async () => {
      try {
        let deferred = 0;
        do {
          this.rescan = false;
          deferred = await this.scan(client, uidValidity);
        } while (this.rescan && !this.stopping);
        this.retryDeferred(client, uidValidity, deferred);
      } catch (err) {
        this.d.log.warn({ event: 'imap.scan.failed', err: { message: (err as Error).message } }, 'imap.scan.failed');
        client.close(); // the session ends; run() reconnects with backoff
      } finally {
        this.scanning = null;
      }
    })();
  }

  /** Messages left in the folder by a transient fault are tried again after a delay that doubles while the fault lasts. */
  private retryDeferred(client: ImapFlow, uidValidity: number, deferred: number): void {
    const { reconnect, log } = this.d;
    if (deferred === 0) {
      this.retryDelay = reconnect.initialMs;
      return;
    }
    if (this.retry || this.stopping) return;
    log.info({ event: 'intake.retry.scheduled', deferred, inMs: this.retryDelay }, 'intake.retry.scheduled');
    this.retry = setTimeout(() => {
      this.retry = null;
      this.requestScan(client, uidValidity);
    }, this.retryDelay);
    this.retryDelay = Math.min(reconnect.maxMs, this.retryDelay * 2);
  }

  /** Every message still waiting in the folder, oldest first; returns how many were deferred. */
  private async scan(client: ImapFlow, uidValidity: number): Promise<number> {
    const { mailbox, log, db, clock } = this.d;
    const { after } = mailbox.imap;
    const query = after.action === 'flag' ? { unKeyword: after.flag } : { all: true };
    const uids = ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
    let deferred = 0;
    for (const uid of uids) {
      if (this.stopping) return deferred;
      const msg = await this.fetch(client, uid);
      if (!msg) continue; // expunged meanwhile
      const mlog = log.child({ uid });
      let outcome: Outcome;
      const internal = msg.internalDate ? new Date(msg.internalDate) : null;
      const receivedAt = internal && !Number.isNaN(internal.getTime()) ? internal : clock.now();
      try {
        outcome = await this.d.process({ raw: msg.source, mailbox, imapUid: uid, receivedAt });
      } catch (err) {
        const error = err as Error & { code?: string };
        if (isTransient(err)) {
          // Disk full, database busy: left in the folder untouched, tried again on the next scan.
          mlog.warn({ event: 'intake.message.deferred', err: { message: error.message, code: error.code } }, 'intake.message.deferred');
          deferred++;
          continue;
        }
        try {
          const id = await this.d.quarantine({ raw: rawBytes(msg.source), mailbox: mailbox.name, receivedAt, error });
          await client.messageMove(String(uid), mailbox.imap.quarantine_folder, { uid: true });
          mlog.error({ event: 'intake.message.quarantined', quarantineId: id, err: { message: error.message, stack: error.stack } }, 'intake.message.quarantined');
        } catch (err2) {
          mlog.error({ event: 'intake.message.failed', err: { message: error.message }, quarantineError: (err2 as Error).message }, 'intake.message.failed');
        }
        continue;
      }
      if (after.action === 'move') await client.messageMove(String(uid), after.folder, { uid: true });
      else await client.messageFlagsAdd(String(uid), [after.flag], { uid: true });
      const state = readState(db, mailbox.name);
      writeState(db, mailbox.name, { uidValidity, lastUid: Math.max(uid, state?.lastUid ?? 0) }, clock.now());
      mlog.debug({ event: 'imap.message.done', outcome: outcome.outcome, action: after.action }, 'imap.message.done');
    }
    return deferred;
  }

  /**
   * A message's bytes: in one FETCH when it is small; a large one (over
   * LARGE) is streamed in 1 MB pieces into the raw store and read from there.
   */
  private async fetch(client: ImapFlow, uid: number): Promise<{ source: Buffer | StoredRaw; internalDate?: Date | string } | null> {
    const first = await client.fetchOne(String(uid), { source: this.d.spool ? { maxLength: LARGE } : true, size: true, internalDate: true }, { uid: true });
    if (!first || !first.source) return null;
    if (!this.d.spool || first.source.length >= (first.size ?? 0)) return { source: first.source, internalDate: first.internalDate };
    const { content } = await client.download(String(uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
    if (!content) return null; // expunged meanwhile
    const stored = await this.d.spool(content);
    if (stored.size !== first.size) throw Object.assign(new Error(`message ${uid}: got ${stored.size} of ${first.size} bytes`), { code: 'EAGAIN' });
    return { source: stored, internalDate: first.internalDate };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

/** Messages larger than this are streamed to disk as they are fetched. */
const LARGE = 1024 * 1024;

function defaultConnect(mailbox: ResolvedMailbox): ImapFlow {
  const { imap } = mailbox;
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.tls,
    auth: { user: imap.user, pass: imap.password.reveal() },
    logger: false,
    maxIdleTime: 5 * 60_000,
    // imapflow enters IDLE only after this much quiet (default 15 s); until then the server cannot tell us of new mail.
    autoIdleDelay: 1000,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    clientInfo: { name: 'mail-helpdesk' },
  });
}

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const list = await client.list();
  if (!list.some((f) => f.path === folder)) {
    await client.mailboxCreate(folder).catch((err: { serverResponseCode?: string }) => {
      if (err.serverResponseCode !== 'ALREADYEXISTS') throw err;
    });
  }
}
