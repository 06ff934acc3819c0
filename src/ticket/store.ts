import { sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { attachments, counters, events, messages, outbox, tickets } from '../db/schema';

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

export function insertMessage(tx: Tx, m: NewMessage, files: NewAttachment[]): number {
  const id = tx.insert(messages).values(m).returning({ id: messages.id }).get().id;
  if (files.length > 0) tx.insert(attachments).values(files.map((f) => ({ ...f, messageId: id }))).run();
  return id;
}

export function addEvent(
  tx: Tx,
  e: { ticketId: number | null; messageId?: number | null; type: string; actor: string; data?: unknown; at: Date },
): void {
  tx.insert(events)
    .values({
      ticketId: e.ticketId,
      messageId: e.messageId ?? null,
      type: e.type,
      actor: e.actor,
      dataJson: JSON.stringify(e.data ?? {}),
      createdAt: e.at.toISOString(),
    })
    .run();
}

export function queueMail(tx: Tx, row: NewOutbox): number {
  return tx.insert(outbox).values(row).returning({ id: outbox.id }).get().id;
}
