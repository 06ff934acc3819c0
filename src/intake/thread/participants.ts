import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/open';
import type { Tx } from '../../ticket/store';
import { messages, outbox, tickets } from '../../db/schema';
import type { Address } from '../../mail/parse';
import { normalAddress, type Roles } from '../roles';

/**
 * May this address write into the request, and learn of it? Only its
 * requester and the others on its first mail (From, To, Cc: the people the
 * customer brought), those we wrote to on it, and engineers. Never one of our
 * own addresses: they are on every thread, and anyone can write them into a
 * From. Later mail adds no one: a follow-up's From may be forged (e-mail has
 * no proof for a customer), and so may an engineer's or a machine's kept on
 * the request, so their To and Cc would let a forger bring in whoever they
 * like. Every way of finding a request (number in the subject or body,
 * In-Reply-To, References) applies this one rule.
 */
export function isParticipant(db: Db | Tx, ticketId: number, address: string | undefined, roles: Roles): boolean {
  if (!address || roles.isOwn(address)) return false;
  if (roles.isEngineer(address)) return true;
  const a = normalAddress(address);
  const t = db.select({ requester: tickets.requesterAddress }).from(tickets).where(eq(tickets.id, ticketId)).get();
  if (t?.requester && normalAddress(t.requester) === a) return true;
  const wrote = db.select({ to: outbox.toAddress }).from(outbox).where(eq(outbox.ticketId, ticketId)).all();
  if (wrote.some((r) => normalAddress(r.to) === a)) return true;
  const first = db
    .select({ from: messages.fromAddress, to: messages.toJson, cc: messages.ccJson })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'in')))
    .orderBy(asc(messages.id))
    .get();
  if (!first) return false;
  const on = [first.from, ...(JSON.parse(first.to) as Address[]).map((x) => x.address), ...(JSON.parse(first.cc) as Address[]).map((x) => x.address)];
  return on.some((x) => !!x && !roles.isOwn(x) && normalAddress(x) === a);
}

export function ticketByNumber(db: Db | Tx, number: string): { id: number; number: string } | null {
  return db.select({ id: tickets.id, number: tickets.number }).from(tickets).where(eq(tickets.number, number)).get() ?? null;
}
