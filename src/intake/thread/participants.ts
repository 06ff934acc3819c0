import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/open';
import type { Tx } from '../../ticket/store';
import { messages, outbox, tickets } from '../../db/schema';
import type { Address } from '../../mail/parse';

/**
 * May this address write into the request by naming its number? Only its
 * requester, the people already on its thread (senders and recipients of its
 * mail, ours included) and engineers. Anyone else who knows a number opens a
 * request of their own.
 */
export function isParticipant(db: Db | Tx, ticketId: number, address: string | undefined, isEngineer: (a: string) => boolean): boolean {
  if (!address) return false;
  if (isEngineer(address)) return true;
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
