import { sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { attachments, counters, messages, outbox, tickets } from '../db/schema';

/** Database writes of the request domain. Every function takes the transaction it runs in. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Next value of a registration-number sequence; call inside the transaction that uses it. */
export function nextSeq(tx: Tx, scope: string): number {
  const row = tx
    .insert(counters)
    .values({ scope, value: 1 })
    .onConflictDoUpdate({ target: counters.scope, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
    .get();
  return row.value;
}

export type NewTicket = typeof tickets.$inferInsert;
export type NewMessage = typeof messages.$inferInsert;
export type NewAttachment = Omit<typeof attachments.$inferInsert, 'messageId'>;
export type NewOutbox = typeof outbox.$inferInsert;

export function insertTicket(tx: Tx, t: NewTicket): number {
  return tx.insert(tickets).values(t).returning({ id: tickets.id }).get().id;
}

/**
 * The message and its attachments. One INSERT per attachment, not one for
 * all: SQLite binds at most 32 766 values in a statement, seven per row, so
 * 4 700 attachments failed on every retry. Written as SQL rather than with
 * drizzle's builder, which costs a hundred times more per row: a message
 * may have thousands (its bytes are kept for the first few hundred only,
 * see LIMITS in src/mail/parse.ts, but each is recorded).
 */
export function insertMessage(tx: Tx, m: NewMessage, files: NewAttachment[]): number {
  const id = tx.insert(messages).values(m).returning({ id: messages.id }).get().id;
  for (const f of files) {
    tx.run(
      sql`INSERT INTO attachments (message_id, filename, content_type, size, sha256, stored, skip_reason) VALUES (${id}, ${f.filename ?? null}, ${f.contentType}, ${f.size}, ${f.sha256}, ${f.stored ? 1 : 0}, ${f.skipReason ?? null})`,
    );
  }
  return id;
}

/** One event. Written as SQL, as attachments are: a message with thousands of attachments has an event for each one not kept. */
export function addEvent(
  tx: Tx,
  e: { ticketId: number | null; messageId?: number | null; type: string; actor: string; data?: unknown; at: Date },
): void {
  tx.run(
    sql`INSERT INTO events (ticket_id, message_id, type, actor, data_json, created_at) VALUES (${e.ticketId}, ${e.messageId ?? null}, ${e.type}, ${e.actor}, ${JSON.stringify(e.data ?? {})}, ${e.at.toISOString()})`,
  );
}

export function queueMail(tx: Tx, row: NewOutbox): number {
  return tx.insert(outbox).values(row).returning({ id: outbox.id }).get().id;
}
