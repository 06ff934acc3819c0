import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { events } from '../db/schema';
import type { NewAttachment, Tx } from './tx';

/*
 * The SQLite-specific statements of the request service, in one file: the
 * hand-written SQL of the intake hot path (drizzle's builder costs a hundred
 * times more per row, and a message may have thousands of attachments, each
 * with an event when it is not kept), and what uses SQLite's JSON functions.
 * A second storage engine replaces this file.
 */

/**
 * One INSERT per attachment, not one for all: SQLite binds at most 32 766
 * values in a statement, eight per row, so 4 700 attachments failed on every
 * retry.
 */
export function insertAttachments(tx: Tx, messageId: number, files: readonly NewAttachment[]): void {
  for (const f of files) {
    tx.run(
      sql`INSERT INTO attachments (message_id, filename, content_type, content_id, size, sha256, stored, skip_reason) VALUES (${messageId}, ${f.filename ?? null}, ${f.contentType}, ${f.contentId ?? null}, ${f.size}, ${f.sha256}, ${f.stored ? 1 : 0}, ${f.skipReason ?? null})`,
    );
  }
}

/** One event in a request's history (ticketId null: a message kept alone). */
export interface NewEvent {
  ticketId: number | null;
  messageId?: number | null;
  type: string;
  actor: string;
  data?: unknown;
  at: Date;
}

export function addEvent(tx: Tx, e: NewEvent): void {
  tx.run(
    sql`INSERT INTO events (ticket_id, message_id, type, actor, data_json, created_at) VALUES (${e.ticketId}, ${e.messageId ?? null}, ${e.type}, ${e.actor}, ${JSON.stringify(e.data ?? {})}, ${e.at.toISOString()})`,
  );
}

/** Whether an event of this type whose data names this address was written after `since`. */
export function eventAboutSince(tx: Tx, o: { type: string; address: string; since: string }): boolean {
  const row = tx
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.type, o.type), sql`json_extract(${events.dataJson}, '$.address') = ${o.address}`, gt(events.createdAt, o.since)))
    .limit(1)
    .get();
  return !!row;
}

/** A mail the SMTP server accepted. Run after every mail, so written once here rather than built by drizzle each time (40 % of its cost). */
export function markSent(db: Db, o: { id: number; sentAt: string; attempts: number }): void {
  db.$client.prepare("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = ?, last_error = NULL WHERE id = ?").run(o.sentAt, o.attempts, o.id);
}
