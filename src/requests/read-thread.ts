import { and, asc, count, desc, eq, gte } from 'drizzle-orm';
import { messages, outbox } from '../db/schema';
import type { Reader } from './read';

/** The Message-IDs a mail of ours to a request's requester is threaded with. */

/** The latest message on the request from this address (in or out; null when none). */
export function lastMessageIdFrom(db: Reader, ticketId: number, address: string): string | null {
  return (
    db
      .select({ id: messages.messageId })
      .from(messages)
      .where(and(eq(messages.ticketId, ticketId), eq(messages.fromAddress, address)))
      .orderBy(desc(messages.id))
      .get()?.id ?? null
  );
}

/** The customer's latest inbound message, and the thread's Message-IDs (theirs and ours to them, the last 20), for In-Reply-To/References. */
export function threadWith(db: Reader, ticketId: number, requester: string): { inReplyTo: string | null; references: string[] } {
  const last = db
    .select({ id: messages.messageId })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'in'), eq(messages.fromAddress, requester)))
    .orderBy(desc(messages.id))
    .get();
  const ours = db
    .select({ id: outbox.messageId })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.toAddress, requester)))
    .orderBy(asc(outbox.id))
    .all();
  const theirs = db
    .select({ id: messages.messageId })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.fromAddress, requester)))
    .orderBy(asc(messages.id))
    .all();
  const references = [...new Set([...theirs, ...ours].map((r) => r.id).filter((x): x is string => !!x))].slice(-20);
  return { inReplyTo: last?.id ?? null, references };
}

/** Whether a mail of this kind went to the address since then. */
export function queuedSince(db: Reader, o: { kind: string; to: string; since: string }): boolean {
  return !!db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.kind, o.kind), eq(outbox.toAddress, o.to), gte(outbox.createdAt, o.since)))
    .get();
}

/** How many mails to the address the gate holds. */
export function heldFor(db: Reader, to: string): number {
  const [{ held }] = db.select({ held: count() }).from(outbox).where(and(eq(outbox.status, 'held'), eq(outbox.toAddress, to))).all();
  return held;
}
