import type { Address } from '../../mail/parse';
import { firstInboundAddresses, requesterOf, writtenTo, type Reader } from '../../requests/read';
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
export function isParticipant(db: Reader, ticketId: number, address: string | undefined, roles: Roles): boolean {
  if (!address || roles.isOwn(address)) return false;
  if (roles.isEngineer(address)) return true;
  const a = normalAddress(address);
  const requester = requesterOf(db, ticketId);
  if (requester && normalAddress(requester) === a) return true;
  if (writtenTo(db, ticketId).some((to) => normalAddress(to) === a)) return true;
  const first = firstInboundAddresses(db, ticketId);
  if (!first) return false;
  const on = [first.from, ...(JSON.parse(first.to) as Address[]).map((x) => x.address), ...(JSON.parse(first.cc) as Address[]).map((x) => x.address)];
  return on.some((x) => !!x && !roles.isOwn(x) && normalAddress(x) === a);
}
