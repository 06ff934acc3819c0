import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import type { IntakeInput } from '../intake/types';
import type { Decision, Received } from '../intake/prepared';
import { rawBytes, type StoredRaw } from '../storage/raw';
import type { Readable } from 'node:stream';
import { isTransient } from '../storage/faults';
import { readState, writeState } from './state';

export interface WatcherDeps {
  mailbox: ResolvedMailbox;
  db: Db;
  clock: Clock;
  log: Logger;
  /** Intake's first stage (parse, store): reads no state, so the next messages are received while one is decided. */
  receive: (input: IntakeInput) => Promise<Received>;
  /** Intake's second stage (filters, decisions) for messages in order, in one commit; throws if that commit fails. */
  decide: (received: readonly Received[]) => Decision[];
  /** Keeps a message that cannot be processed; returns its quarantine id. */
  quarantine: (o: { raw: Buffer; mailbox: string; receivedAt: Date; error: Error }) => Promise<number>;
  reconnect: { initialMs: number; maxMs: number };
  /** Where a large message is streamed as it is fetched, so that it is never whole in memory (absent: fetched into memory). */
  spool?: (stream: Readable) => Promise<StoredRaw>;
  /** For tests: how the IMAP client is made. */
  connect?: (mailbox: ResolvedMailbox, onIdle: () => void) => ImapFlow;
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
    // Once a session, when the server first waits in IDLE: from then on new mail is announced at once.
    let watching = false;
    const onIdle = () => {
      if (watching) return;
      watching = true;
      log.info({ event: 'imap.watching', folder: mailbox.imap.folder }, 'imap.watching');
    };
    const client = (this.d.connect ?? defaultConnect)(mailbox, onIdle);
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
   * FETCH for a batch (sent while the batch before is processed), intake's
   * first stage for its messages side by side, its decisions in one commit,
   * then one MOVE (or STORE) for the batch's stored messages. Returns how many
   * were deferred.
   */
  private async scan(client: ImapFlow, uidValidity: number): Promise<number> {
    const { mailbox, clock } = this.d;
    const { after } = mailbox.imap;
    const query = after.action === 'flag' ? { unKeyword: after.flag } : { all: true };
    const uids = ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
    let deferred = 0;
    const fetch = (i: number) => {
      const p = i < uids.length ? this.fetchBatch(client, uids.slice(i, i + BATCH)) : null;
      p?.catch(() => undefined); // awaited in its turn; unawaited when we stop first
      return p;
    };
    let next = fetch(0);
    let moving: Promise<void> | null = null;
    for (let i = 0; i < uids.length && !this.stopping; i += BATCH) {
      const batch: Pending[] = [...(await next!)].map(([uid, msg]) => {
        const internal = msg.internalDate ? new Date(msg.internalDate) : null;
        return { uid, source: msg.source, receivedAt: internal && !Number.isNaN(internal.getTime()) ? internal : clock.now() };
      });
      // The next batch comes over the wire while this one is processed.
      next = fetch(i + BATCH);
      const received = await this.receiveAll(batch);
      if (this.stopping) break; // nothing of this batch was decided: it stays in the folder
      const done: number[] = [];
      // The decisions come in the order of the messages received; a failed one keeps its error.
      const decided = this.decideAll(received.filter((r): r is Received => !(r instanceof Failure)));
      for (const [k, m] of batch.entries()) {
        const r = received[k];
        const d = r instanceof Failure ? { error: r.error } : decided.shift()!;
        if ('outcome' in d) {
          done.push(m.uid);
          this.d.log.debug({ event: 'imap.message.done', uid: m.uid, outcome: d.outcome.outcome, action: after.action }, 'imap.message.done');
        } else if (await this.failed(client, m, d.error)) deferred++;
      }
      // Only what intake committed leaves the folder; a crash before this line means it is seen again, as a duplicate.
      // The MOVE goes on while the next batch is processed; a failed one ends the scan at the next await.
      await moving;
      moving = done.length > 0 ? this.putAway(client, uidValidity, done) : null;
      moving?.catch(() => undefined);
    }
    await moving;
    return deferred;
  }

  /** Intake's first stage for a batch, AHEAD messages at a time; a message that fails is its Failure. */
  private async receiveAll(batch: readonly Pending[]): Promise<(Received | Failure)[]> {
    const { mailbox } = this.d;
    const out: (Received | Failure)[] = [];
    let k = 0;
    const worker = async () => {
      for (let j = k++; j < batch.length; j = k++) {
        const m = batch[j];
        out[j] = await this.d.receive({ raw: m.source, mailbox, imapUid: m.uid, receivedAt: m.receivedAt }).catch((err: Error) => new Failure(err));
      }
    };
    await Promise.all(Array.from({ length: Math.min(AHEAD, batch.length) }, worker));
    return out;
  }

  /**
   * The batch's decisions in one commit. If that commit cannot be made: for a
   * transient fault (database busy, disk full) every message is deferred;
   * otherwise each is decided alone, so that only a message at fault fails.
   */
  private decideAll(received: Received[]): Decision[] {
    if (received.length === 0) return [];
    try {
      return this.d.decide(received);
    } catch (err) {
      if (isTransient(err)) return received.map(() => ({ error: err as Error }));
      return received.map((r) => {
        try {
          return this.d.decide([r])[0];
        } catch (e) {
          return { error: e as Error };
        }
      });
    }
  }

  /**
   * A message that could not be taken in: after a transient fault (disk full,
   * database busy) it stays in the folder untouched, to be tried again later
   * (returns true); otherwise it is quarantined, kept with its error.
   */
  private async failed(client: ImapFlow, m: Pending, err: unknown): Promise<boolean> {
    const { mailbox } = this.d;
    const mlog = this.d.log.child({ uid: m.uid });
    const error = err as Error & { code?: string };
    if (isTransient(err)) {
      mlog.warn({ event: 'intake.message.deferred', err: { message: error.message, code: error.code } }, 'intake.message.deferred');
      return true;
    }
    try {
      const id = await this.d.quarantine({ raw: rawBytes(m.source), mailbox: mailbox.name, receivedAt: m.receivedAt, error });
      await client.messageMove(String(m.uid), mailbox.imap.quarantine_folder, { uid: true });
      mlog.error({ event: 'intake.message.quarantined', quarantineId: id, err: { message: error.message, stack: error.stack } }, 'intake.message.quarantined');
    } catch (err2) {
      mlog.error({ event: 'intake.message.failed', err: { message: error.message }, quarantineError: (err2 as Error).message }, 'intake.message.failed');
    }
    return false;
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
/** Messages of a batch received (parsed, stored) side by side: their disk writes overlap. */
const AHEAD = 4;

/** A fetched message on its way through intake. */
interface Pending {
  uid: number;
  source: Buffer | StoredRaw;
  receivedAt: Date;
}

/** Why a message's first stage failed. */
class Failure {
  constructor(readonly error: unknown) {}
}

function defaultConnect(mailbox: ResolvedMailbox, onIdle: () => void): ImapFlow {
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
}

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const list = await client.list();
  if (!list.some((f) => f.path === folder)) {
    await client.mailboxCreate(folder).catch((err: { serverResponseCode?: string }) => {
      if (err.serverResponseCode !== 'ALREADYEXISTS') throw err;
    });
  }
}
