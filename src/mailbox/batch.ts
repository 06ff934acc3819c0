import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import type { Decision, Received } from '../intake/prepared';
import type { IntakeInput } from '../intake/types';
import { isTransient } from '../storage/faults';
import { rawBytes, type StoredRaw } from '../storage/raw';
import { readState, writeState } from '../db/mailbox-state';

export interface BatchDeps {
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
}

/** A fetched message on its way through intake. */
export interface Pending {
  uid: number;
  source: Buffer | StoredRaw;
  receivedAt: Date;
}

/** Messages of a batch received (parsed, stored) side by side: their disk writes overlap. */
const AHEAD = 4;

/** Why a message's first stage failed. */
class Failure {
  constructor(readonly error: unknown) {}
}

/** What intake committed of a batch: every UID it decided, those of them kept as spam, and how many it deferred. */
export interface Taken {
  done: number[];
  spam: number[];
  deferred: number;
}

/**
 * One batch of fetched messages through intake: its first stage for the
 * messages side by side, their decisions in one commit, a message that
 * failed quarantined (or, after a transient fault, left to be tried again);
 * then the stored ones are put away in one command.
 */
export class BatchPipeline {
  constructor(private readonly d: BatchDeps) {}

  /**
   * Takes a batch in. Returns the UIDs intake committed (and of them, those
   * it kept as spam) and how many were deferred; null when the watcher stopped before anything was decided
   * (the batch stays in the folder).
   */
  async take(client: ImapFlow, batch: readonly Pending[], signal: AbortSignal): Promise<Taken | null> {
    const received = await this.receiveAll(batch);
    if (signal.aborted) return null;
    const done: number[] = [];
    const spam: number[] = [];
    let deferred = 0;
    // The decisions come in the order of the messages received; a failed one keeps its error.
    const decided = this.decideAll(received.filter((r): r is Received => !(r instanceof Failure)));
    for (const [k, m] of batch.entries()) {
      const r = received[k];
      const d = r instanceof Failure ? { error: r.error } : decided.shift()!;
      if ('outcome' in d) {
        done.push(m.uid);
        if (d.outcome.outcome === 'spam') spam.push(m.uid);
        this.d.log.debug({ event: 'imap.message.done', uid: m.uid, outcome: d.outcome.outcome, action: this.d.mailbox.imap.after.action }, 'imap.message.done');
      } else if (await this.failed(client, m, d.error)) deferred++;
    }
    return { done, spam, deferred };
  }

  /**
   * Remembers how far intake got, in a commit synced to disk, then moves (or
   * flags) the stored messages in one command. The database runs with
   * synchronous=NORMAL, whose commits a power cut may undo; this one sync
   * makes the batch's commits durable before the mails leave the folder.
   * Spam goes to the spam folder whatever the after action.
   */
  async putAway(client: ImapFlow, uidValidity: number, taken: Pick<Taken, 'done' | 'spam'>): Promise<void> {
    const uids = taken.done.filter((uid) => !taken.spam.includes(uid));
    const { mailbox, db, clock } = this.d;
    const { after } = mailbox.imap;
    const state = readState(db, mailbox.name);
    db.$client.pragma('synchronous = FULL');
    try {
      writeState(db, mailbox.name, { uidValidity, lastUid: Math.max(...taken.done, state?.lastUid ?? 0) }, clock.now());
    } finally {
      db.$client.pragma('synchronous = NORMAL');
    }
    if (taken.spam.length > 0) await client.messageMove(taken.spam.join(','), mailbox.imap.spam_folder, { uid: true });
    if (uids.length === 0) return;
    if (after.action === 'move') await client.messageMove(uids.join(','), after.folder, { uid: true });
    else await client.messageFlagsAdd(uids.join(','), [after.flag], { uid: true });
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
}
