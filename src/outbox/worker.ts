import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { BlobStore } from '../storage/blobs';
import { LOOP_HEADER } from '../mail/automated';
import { dueMail, failMail, holdAgain, holdMail, releaseMail, type OutboxRow } from '../requests/delivery';
import { markSent } from '../requests/sqlite';
import { gateClass, holdReason, type GateOptions, type Hold } from './gate';
import type { HeldSummary } from '../compose/held-summary';
import type { Mailer } from './mailer';
import { isTemporary, nextAttempt } from './retry';

export interface OutboxOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** One mailer per mailbox name. */
  mailers: Map<string, Mailer>;
  retryInitialMs: number;
  retryMaxMs: number;
  /** Where stored attachments are read from. */
  attachments?: BlobStore;
  /** Rate caps and bounce suppression of automatic mail (none when absent). */
  gate?: GateOptions;
  /** Tells an engineer when a per-engineer cap holds their notifications (nobody is told when absent). */
  heldSummary?: HeldSummary;
  /** Mails in flight at once (default 1), each recipient's in order on one lane; match the SMTP pool size. */
  concurrency?: number;
}

export { retryDelay } from './retry';

/**
 * Sends what intake queued. A row is marked sent only after the SMTP server
 * accepted it; a temporary failure is retried with backoff; rows survive
 * restarts because they live in the database. A 5xx answer is permanent.
 */
export class OutboxWorker {
  private running: Promise<number> | null = null;
  private again = false;
  private stopping = false;
  private readonly unrecorded = new Map<number, { sentAt: string; attempts: number }>();

  constructor(private readonly o: OutboxOptions) {}

  /** Sends every due row. Concurrent calls share one pass (and ask for another if one was running). */
  flush(): Promise<number> {
    if (this.stopping) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let sent = 0;
      try {
        do {
          this.again = false;
          sent += await this.pass();
        } while (this.again && !this.stopping);
      } finally {
        this.running = null;
      }
      return sent;
    })();
    return this.running;
  }

  /** Sends nothing more: the row in flight finishes, the rest wait in the database for the next start. */
  stop(): void {
    this.stopping = true;
  }

  /** Resolves when the pass in flight (if any) is done. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<number> {
    const { db, clock } = this.o;
    // Rows the server accepted but we could not mark (database busy, disk full): marked first, never sent again.
    for (const [id, u] of this.unrecorded) {
      this.markSent(id, u.sentAt, u.attempts);
      this.unrecorded.delete(id);
    }
    // A held row is due when its cause ends (its next attempt is then): the gate decides it again.
    const due = dueMail(db, { now: clock.now(), limit: 500 });
    // Each recipient's mails are one chain, sent in order by one sender, so they arrive in order and the
    // per-recipient caps stay exact; up to `concurrency` senders take chains side by side.
    const byRecipient = new Map<string, typeof due>();
    for (const d of due) {
      const key = d.row.toAddress.toLowerCase();
      byRecipient.set(key, [...(byRecipient.get(key) ?? []), d]);
    }
    const chains = [...byRecipient.values()];
    const senders = Array.from({ length: Math.max(1, Math.min(this.o.concurrency ?? 1, chains.length)) }, async () => {
      let sent = 0;
      for (let chain = chains.shift(); chain && !this.stopping; chain = chains.shift()) sent += await this.sendChain(chain);
      return sent;
    });
    const results = await Promise.allSettled(senders);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results.reduce((n, r) => n + (r as PromiseFulfilledResult<number>).value, 0);
  }

  private async sendChain(due: { row: OutboxRow; number: string | null }[]): Promise<number> {
    const { db, clock, log } = this.o;
    let sent = 0;
    let engineerHeld: { row: OutboxRow; hold: Hold } | null = null;
    // Once a cap or suppression holds one of this recipient's mails, it holds the rest of that class too:
    // the gate is asked once per class, and rows held already are given their new time in one statement.
    const holds = new Map<string, Hold>();
    const stillHeld = new Map<Hold, number[]>();
    const heldAgain = (hold: Hold, id: number) => (stillHeld.get(hold) ?? stillHeld.set(hold, []).get(hold)!).push(id);
    for (const { row, number } of due) {
      if (this.stopping) break;
      const mailer = this.o.mailers.get(row.mailbox);
      if (!mailer) {
        this.fail(row, `no mailbox "${row.mailbox}" in the configuration`, false);
        continue;
      }
      const { gate } = this.o;
      const gated = gate ? gateClass(gate, row) : null;
      const held = gate && gated ? (holds.get(gated) ?? holdReason(db, gate, row, clock.now())) : null;
      if (held) {
        holds.set(gated!, held);
        if (row.status === 'held') heldAgain(held, row.id);
        else {
          this.hold(row, held);
          if (held.engineerCap) engineerHeld = { row, hold: held };
        }
        continue;
      }
      if (row.status === 'held') this.released(row);
      let info: { response: string };
      try {
        info = await mailer.send({
          from: { name: row.fromName, address: row.fromAddress },
          to: row.toHeader ?? row.toAddress,
          cc: JSON.parse(row.ccJson) as string[],
          envelopeTo: row.toAddress,
          replyTo: row.replyTo,
          subject: row.subject,
          text: row.text,
          html: row.html,
          messageId: row.messageId,
          inReplyTo: row.inReplyTo,
          references: JSON.parse(row.referencesJson) as string[],
          attachments: (JSON.parse(row.attachmentsJson) as { sha256: string; filename: string | null; contentType: string; contentId?: string | null }[]).map((a) => ({
            ...a,
            content: this.o.attachments!.get(a.sha256),
          })),
          headers: {
            'Auto-Submitted': 'auto-replied',
            [LOOP_HEADER]: row.fromAddress,
            'X-Auto-Response-Suppress': 'All',
            ...(number ? { 'X-Helpdesk-Request': number } : {}),
          },
        });
      } catch (err) {
        this.fail(row, (err as Error).message, isTemporary(err));
        continue;
      }
      // The duplicate window: a crash between the server's acceptance (above) and this commit sends the row again.
      const accepted = process.hrtime.bigint();
      const sentAt = clock.now().toISOString();
      try {
        this.markSent(row.id, sentAt, row.attempts + 1);
      } catch (err) {
        this.unrecorded.set(row.id, { sentAt, attempts: row.attempts + 1 });
        log.error({ event: 'outbox.unrecorded', outboxId: row.id, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'outbox.unrecorded');
        throw err; // the pass ends; the next one records the row before anything else
      }
      const windowUs = Number(process.hrtime.bigint() - accepted) / 1000;
      sent++;
      log.info({ event: 'outbox.sent', outboxId: row.id, kind: row.kind, ticket: number, to: row.toAddress, response: info.response, windowUs }, 'outbox.sent');
    }
    for (const [hold, ids] of stillHeld) this.holdAgain(ids, hold);
    if (engineerHeld) this.summarise(engineerHeld.row, engineerHeld.hold);
    return sent;
  }

  /** A cap newly held an engineer's notification back: they are told once per cap window, in this flush. */
  private summarise(row: OutboxRow, hold: Hold): void {
    const { db, clock, log } = this.o;
    if (!this.o.heldSummary?.queue(db, { to: row.toAddress, mailbox: row.mailbox, cap: hold.engineerCap!, until: hold.until }, clock.now())) return;
    log.warn({ event: 'outbox.held_summary', to: row.toAddress, reason: hold.reason }, 'outbox.held_summary');
    this.again = true;
  }

  private markSent(id: number, sentAt: string, attempts: number): void {
    markSent(this.o.db, { id, sentAt, attempts });
  }

  /**
   * Kept back, not dropped: the row stays with its reason and is tried again when the cause ends; the
   * request's history says so the first time (a row still held when tried again only gets its new time).
   */
  private hold(row: OutboxRow, hold: Hold): void {
    const { db, clock, log } = this.o;
    const until = hold.until.toISOString();
    holdMail(db, { row, reason: hold.reason, until: hold.until, at: clock.now() });
    log.warn({ event: 'outbox.held', outboxId: row.id, kind: row.kind, to: row.toAddress, reason: hold.reason, until }, 'outbox.held');
  }

  /**
   * Rows tried again while their cause holds on: only their reason and time change. Still held, so that
   * a release an admin made meanwhile (status pending, due now) is not pushed back to the cause's end.
   */
  private holdAgain(ids: number[], hold: Hold): void {
    const until = hold.until.toISOString();
    holdAgain(this.o.db, { ids, reason: hold.reason, until: hold.until });
    this.o.log.debug({ event: 'outbox.still_held', outboxIds: ids, reason: hold.reason, until }, 'outbox.still_held');
  }

  /** A held row whose cause ended (the gate let it through): it goes now, and the request's history says so. */
  private released(row: OutboxRow): void {
    const { db, clock, log } = this.o;
    releaseMail(db, { row, by: 'system', at: clock.now() });
    log.info({ event: 'outbox.released', outboxId: row.id, kind: row.kind, to: row.toAddress, heldFor: row.lastError }, 'outbox.released');
  }

  private fail(row: OutboxRow, error: string, retry: boolean): void {
    const { db, clock, log } = this.o;
    const attempts = row.attempts + 1;
    const next = nextAttempt(attempts, clock.now(), { initialMs: this.o.retryInitialMs, maxMs: this.o.retryMaxMs });
    failMail(db, { id: row.id, attempts, error, retry, next });
    const fields = { outboxId: row.id, kind: row.kind, to: row.toAddress, attempts, error };
    if (retry) log.warn({ event: 'outbox.retry', ...fields, nextAttemptAt: next.toISOString() }, 'outbox.retry');
    else log.error({ event: 'outbox.failed', ...fields }, 'outbox.failed');
  }
}

