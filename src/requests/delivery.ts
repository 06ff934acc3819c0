import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { outbox, suppressions, tickets } from '../db/schema';
import { addEvent } from './sqlite';
import type { Tx } from './tx';

/*
 * What becomes of a queued mail: the outbox worker and the admin's commands
 * move it between pending, held, sent and failed here, and the request's
 * history says so where a person would want to know (held, released,
 * a suppression cleared).
 */

export type OutboxRow = typeof outbox.$inferSelect;

/** Mail due now (pending, or held whose cause may have ended), oldest first, with its request's number. */
export function dueMail(db: Db, o: { now: Date; limit: number }): { row: OutboxRow; number: string | null }[] {
  return db
    .select({ row: outbox, number: tickets.number })
    .from(outbox)
    .leftJoin(tickets, eq(outbox.ticketId, tickets.id))
    .where(and(inArray(outbox.status, ['pending', 'held']), lte(outbox.nextAttemptAt, o.now.toISOString())))
    .orderBy(asc(outbox.id))
    .limit(o.limit)
    .all();
}

/** Kept back, not dropped: the row waits with its reason until `until`, and the history says so. */
export function holdMail(db: Db, o: { row: OutboxRow; reason: string; until: Date; at: Date }): void {
  const { row } = o;
  const until = o.until.toISOString();
  db.transaction((tx) => {
    tx.update(outbox).set({ status: 'held', lastError: o.reason, heldAt: o.at.toISOString(), nextAttemptAt: until }).where(eq(outbox.id, row.id)).run();
    addEvent(tx, { ticketId: row.ticketId, type: 'mail.held', actor: 'system', at: o.at, data: { kind: row.kind, to: row.toAddress, messageId: row.messageId, reason: o.reason, until } });
  });
}

/** Rows still held when tried again: only their reason and time change (a row released meanwhile is left alone). */
export function holdAgain(db: Db, o: { ids: readonly number[]; reason: string; until: Date }): void {
  db.update(outbox)
    .set({ lastError: o.reason, nextAttemptAt: o.until.toISOString() })
    .where(and(inArray(outbox.id, [...o.ids]), eq(outbox.status, 'held')))
    .run();
}

/**
 * A held row goes out again: by the system when its cause ended, or by an admin past its cause
 * (releasedAt tells the gate so, and it is due at once). The history says who let it go.
 */
export function releaseMail(db: Db, o: { row: OutboxRow; by: 'system' | 'admin'; at: Date }): void {
  const { row } = o;
  const at = o.at.toISOString();
  db.transaction((tx) => {
    tx.update(outbox)
      .set(o.by === 'admin' ? { status: 'pending', releasedAt: at, nextAttemptAt: at } : { status: 'pending' })
      .where(and(eq(outbox.id, row.id), eq(outbox.status, 'held')))
      .run();
    addEvent(tx, { ticketId: row.ticketId, type: 'mail.released', actor: o.by, at: o.at, data: { kind: row.kind, to: row.toAddress, messageId: row.messageId, heldFor: row.lastError, heldAt: row.heldAt } });
  });
}

/** A failed attempt: tried again at `next` when the failure is temporary, given up otherwise. */
export function failMail(db: Db, o: { id: number; attempts: number; error: string; retry: boolean; next: Date }): void {
  db.update(outbox)
    .set({ status: o.retry ? 'pending' : 'failed', attempts: o.attempts, lastError: o.error, nextAttemptAt: o.next.toISOString() })
    .where(eq(outbox.id, o.id))
    .run();
}

/** Held mail of one address, oldest first. */
export function heldMailTo(db: Db, address: string): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'held'), eq(sql`lower(${outbox.toAddress})`, address.toLowerCase())))
    .orderBy(asc(outbox.id))
    .all();
}

export function outboxMail(db: Db, id: number): OutboxRow | undefined {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}

/**
 * Ends an address's suppression now; its held mail is due at once (the gate decides again) and the
 * request that caused it records who cleared it. Returns how many held mails are tried again, or null
 * when the address was not suppressed.
 */
export function liftSuppression(db: Db, o: { address: string; by: string; at: Date }): number | null {
  const a = o.address.trim().toLowerCase();
  const s = db.select().from(suppressions).where(eq(suppressions.address, a)).get();
  if (!s) return null;
  return db.transaction((tx: Tx) => {
    tx.delete(suppressions).where(eq(suppressions.address, a)).run();
    const r = tx
      .update(outbox)
      .set({ nextAttemptAt: o.at.toISOString() })
      .where(and(eq(outbox.status, 'held'), eq(sql`lower(${outbox.toAddress})`, a)))
      .run();
    addEvent(tx, { ticketId: s.ticketId, type: 'suppression.cleared', actor: o.by, at: o.at, data: { address: a, until: s.until, reason: s.reason, heldRows: r.changes } });
    return r.changes;
  });
}
