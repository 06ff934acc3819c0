import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import type { IntakeInput, Outcome } from '../intake/types';
import { rawBytes, type StoredRaw } from '../storage/raw';
import type { Readable } from 'node:stream';
import { isTransient } from '../storage/faults';
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

  /**
   * Every message still waiting in the folder, oldest first, in batches: one
   * FETCH for a batch, intake message by message (each its own commit), then
   * one MOVE (or STORE) for the batch's stored messages. Returns how many
   * were deferred.
   */
  private async scan(client: ImapFlow, uidValidity: number): Promise<number> {
    const { mailbox, log, clock } = this.d;
    const { after } = mailbox.imap;
    const query = after.action === 'flag' ? { unKeyword: after.flag } : { all: true };
    const uids = ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
    let deferred = 0;
    for (let i = 0; i < uids.length && !this.stopping; i += BATCH) {
      const batch = await this.fetchBatch(client, uids.slice(i, i + BATCH));
      const done: number[] = [];
      try {
        for (const [uid, msg] of batch) {
          if (this.stopping) break;
          const mlog = log.child({ uid });
          const internal = msg.internalDate ? new Date(msg.internalDate) : null;
          const receivedAt = internal && !Number.isNaN(internal.getTime()) ? internal : clock.now();
          let outcome: Outcome;
          try {
            outcome = await this.d.process({ raw: msg.source, mailbox, imapUid: uid, receivedAt });
          } catch (err) {
            const error = err as Error & { code?: string };
            if (isTransient(err)) {
              // Disk full, database busy: left in the folder untouched, tried again later.
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
          done.push(uid);
          mlog.debug({ event: 'imap.message.done', outcome: outcome.outcome, action: after.action }, 'imap.message.done');
        }
      } finally {
        // Only what intake committed leaves the folder; a crash before this line means it is seen again, as a duplicate.
        if (done.length > 0) await this.putAway(client, uidValidity, done);
      }
    }
    return deferred;
  }

  /**
   * Remembers how far intake got, in a commit synced to disk, then moves (or
   * flags) the stored messages in one command. The database runs with
   * synchronous=NORMAL, whose commits a power cut may undo; this one sync
   * makes the batch's commits durable before the mails leave the folder.
   */
  private async putAway(client: ImapFlow, uidValidity: number, uids: number[]): Promise<void> {
    const { mailbox, db, clock } = this.d;
    const { after } = mailbox.imap;
    const state = readState(db, mailbox.name);
    db.$client.pragma('synchronous = FULL');
    try {
      writeState(db, mailbox.name, { uidValidity, lastUid: Math.max(...uids, state?.lastUid ?? 0) }, clock.now());
    } finally {
      db.$client.pragma('synchronous = NORMAL');
    }
    if (after.action === 'move') await client.messageMove(uids.join(','), after.folder, { uid: true });
    else await client.messageFlagsAdd(uids.join(','), [after.flag], { uid: true });
  }

  /**
   * A batch of messages in one FETCH, oldest first. A message over LARGE
   * comes only in part there; it is then streamed in 1 MB pieces into the raw
   * store and read from there, so it is never whole in memory.
   */
  private async fetchBatch(client: ImapFlow, uids: number[]): Promise<Map<number, { source: Buffer | StoredRaw; internalDate?: Date | string }>> {
    const got = new Map<number, { source: Buffer | StoredRaw; internalDate?: Date | string; size: number }>();
    const source = this.d.spool ? { maxLength: LARGE } : true;
    for await (const m of client.fetch(uids.join(','), { uid: true, source, size: true, internalDate: true }, { uid: true })) {
      if (m.source) got.set(m.uid, { source: m.source, internalDate: m.internalDate, size: m.size ?? m.source.length });
    }
    for (const [uid, m] of got) {
      if (!this.d.spool || !Buffer.isBuffer(m.source) || m.source.length >= m.size) continue;
      const { content } = await client.download(String(uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
      if (!content) {
        got.delete(uid); // expunged meanwhile
        continue;
      }
      const stored = await this.d.spool(content);
      if (stored.size !== m.size) throw Object.assign(new Error(`message ${uid}: got ${stored.size} of ${m.size} bytes`), { code: 'EAGAIN' });
      m.source = stored;
    }
    return new Map([...got].sort((a, b) => a[0] - b[0]));
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
/** Messages fetched in one FETCH and put away in one MOVE. */
const BATCH = 25;

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
