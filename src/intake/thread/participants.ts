import { isOnRequest, requesterOf, type Reader } from '../../requests/read';
import { normalAddress, type Roles } from '../roles';

/**
 * May this address write into the request, and learn of it? Only its
 * requester, its participants (the To and Cc of its first mail, those an
 * engineer added; not those removed), and engineers. Never one of our own
 * addresses: they are on every thread, and anyone can write them into a
 * From. Later mail adds no one: a follow-up's From may be forged (e-mail has
 * no proof for a customer), so its To and Cc would let a forger bring in
 * whoever they like, and learn the answers. Every way of finding a request
 * (number in the subject or body, In-Reply-To, References) applies this one
 * rule.
 */
export function isParticipant(db: Reader, ticketId: number, address: string | undefined, roles: Roles): boolean {
  if (!address || roles.isOwn(address)) return false;
  if (roles.isEngineer(address)) return true;
  const requester = requesterOf(db, ticketId);
  if (requester && normalAddress(requester) === normalAddress(address)) return true;
  return isOnRequest(db, ticketId, address);
}
