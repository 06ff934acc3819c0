import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/open';
import type { Tx } from '../../ticket/store';
import { messages, outbox, tickets } from '../../db/schema';
import type { Address } from '../../mail/parse';
import type { Roles } from '../roles';

/**
 * May this address write into the request, and learn of it? Only its
 * requester, the people already on its thread (senders and recipients of its
 * mail, and those we wrote to) and engineers. Never one of our own addresses:
 * they are on every thread, and anyone can write them into a From. Every way
 * of finding a request (number in the subject or body, In-Reply-To,
 * References) applies this one rule.
 */
export function isParticipant(db: Db | Tx, ticketId: number, address: string | undefined, roles: Roles): boolean {
  if (!address || roles.isOwn(address)) return false;
  if (roles.isEngineer(address)) return true;
  if (db.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.ticketId, ticketId), eq(outbox.toAddress, address))).get()) return true;
  const t = db.select({ requester: tickets.requesterAddress }).from(tickets).where(eq(tickets.id, ticketId)).get();
  if (t?.requester === address) return true;
  const rows = db
    .select({ from: messages.fromAddress, to: messages.toJson, cc: messages.ccJson })
    .from(messages)
    .where(eq(messages.ticketId, ticketId))
    .all();
  return rows.some(
    (r) => r.from === address || [...(JSON.parse(r.to) as Address[]), ...(JSON.parse(r.cc) as Address[])].some((a) => a.address === address),
  );
}

export function ticketByNumber(db: Db | Tx, number: string): { id: number; number: string } | null {
  return db.select({ id: tickets.id, number: tickets.number }).from(tickets).where(eq(tickets.number, number)).get() ?? null;
}
