import type { ImapFlow } from 'imapflow';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResolvedMailbox } from '../config/load';
import type { StoredRaw } from '../storage/raw';
import type { BatchPipeline, Pending } from './batch';
import { DeferredRetry } from './retry';

export interface ScanDeps {
  mailbox: ResolvedMailbox;
  clock: Clock;
  log: Logger;
  batches: BatchPipeline;
  /** The rescan's delays for messages deferred by a transient fault. */
  retry: { initialMs: number; maxMs: number };
  /** Where a large message is streamed as it is fetched, so that it is never whole in memory (absent: fetched into memory). */
  spool?: (stream: Readable) => Promise<StoredRaw>;
}

/** Messages larger than this are streamed to disk as they are fetched. */
const LARGE = 1024 * 1024;
/** Messages fetched in one FETCH and put away in one MOVE. */
const BATCH = 25;

type Fetched = Map<number, { source: Buffer | StoredRaw; internalDate?: Date | string }>;

/**
 * Scans the watched folder: one scan at a time, and one more when news came
 * during it; messages deferred by a transient fault are scanned for again later.
 */
export class Scanner {
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private readonly retry: DeferredRetry;

  constructor(
    private readonly d: ScanDeps,
    private readonly signal: AbortSignal,
  ) {
    this.retry = new DeferredRetry({ clock: d.clock, log: d.log, delays: d.retry, signal });
  }

  /** Scans now, or once more after the scan in progress. A scan that fails closes the client: the session ends. */
  request(client: ImapFlow, uidValidity: number): void {
    if (this.signal.aborted) return;
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
        } while (this.rescan && !this.signal.aborted);
        this.retry.after(deferred, () => this.request(client, uidValidity));
      } catch (err) {
        this.d.log.warn({ event: 'imap.scan.failed', err: { message: (err as Error).message } }, 'imap.scan.failed');
        client.close(); // the session ends; the watcher reconnects with backoff
      } finally {
        this.scanning = null;
      }
    })();
  }

  /** Resolves when the scan in progress (if any) is done. */
  async idle(): Promise<void> {
    await this.scanning;
  }

  /** The session ended: a rescan set for it is dropped. */
  endSession(): void {
    this.retry.cancel();
  }

  /**
   * Every message still waiting in the folder, oldest first, in batches: one
   * FETCH for a batch (sent while the batch before is processed), the batch
   * through intake, then one MOVE (or STORE) for its stored messages, sent
   * while the next batch is processed. Returns how many were deferred.
   */
  private async scan(client: ImapFlow, uidValidity: number): Promise<number> {
    const { mailbox, clock, batches } = this.d;
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
    for (let i = 0; i < uids.length && !this.signal.aborted; i += BATCH) {
      const batch: Pending[] = [...(await next!)].map(([uid, msg]) => {
        const internal = msg.internalDate ? new Date(msg.internalDate) : null;
        return { uid, source: msg.source, receivedAt: internal && !Number.isNaN(internal.getTime()) ? internal : clock.now() };
      });
      // The next batch comes over the wire while this one is processed.
      next = fetch(i + BATCH);
      const taken = await batches.take(client, batch, this.signal);
      if (!taken) break; // stopped: nothing of this batch was decided, it stays in the folder
      deferred += taken.deferred;
      // Only what intake committed leaves the folder; a crash before this line means it is seen again, as a duplicate.
      // The MOVE goes on while the next batch is processed; a failed one ends the scan at the next await.
      await moving;
      moving = taken.done.length > 0 ? batches.putAway(client, uidValidity, taken) : null;
      moving?.catch(() => undefined);
    }
    await moving;
    return deferred;
  }

  /**
   * A batch of messages in one FETCH, oldest first. A message over LARGE
   * comes only in part there; it is then streamed in 1 MB pieces into the raw
   * store and read from there, so it is never whole in memory.
   */
  private async fetchBatch(client: ImapFlow, uids: number[]): Promise<Fetched> {
    const { spool } = this.d;
    const got = new Map<number, { source: Buffer | StoredRaw; internalDate?: Date | string; size: number }>();
    const source = spool ? { maxLength: LARGE } : true;
    for await (const m of client.fetch(uids.join(','), { uid: true, source, size: true, internalDate: true }, { uid: true })) {
      if (m.source) got.set(m.uid, { source: m.source, internalDate: m.internalDate, size: m.size ?? m.source.length });
    }
    for (const [uid, m] of got) {
      if (!spool || !Buffer.isBuffer(m.source) || m.source.length >= m.size) continue;
      const { content } = await client.download(String(uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
      if (!content) {
        got.delete(uid); // expunged meanwhile
        continue;
      }
      const stored = await spool(content);
      if (stored.size !== m.size) throw Object.assign(new Error(`message ${uid}: got ${stored.size} of ${m.size} bytes`), { code: 'EAGAIN' });
      m.source = stored;
    }
    return new Map([...got].sort((a, b) => a[0] - b[0]));
  }
}
