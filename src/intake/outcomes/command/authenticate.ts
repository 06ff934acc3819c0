import { ANY_PROOF, authenticateEngineer, type AuthMethod, type AuthOptions } from '../../../auth/authenticate';
import type { Outcome } from '../../types';
import type { Reply } from './reply';

/**
 * Is the reply really the engineer's? The method that proved it, or the
 * `rejected` outcome: the mail stays on the request as an unverified note and
 * the engineer is told why nothing was applied.
 */
export function authenticate(r: Reply, auth: AuthOptions): { method: AuthMethod } | { outcome: Outcome } {
  const { mail, dkimPass } = r.p;
  const a = authenticateEngineer(mail, r.t.number, { ...auth, dkimPass, accept: r.engineer.accept ?? ANY_PROOF });
  if (a.ok) return { method: a.method };
  r.event('command.unauthenticated', { reason: a.reason, message: mail.messageId, note: 'kept as an unverified note' });
  r.confirm({ rejected: a.reason, status: r.t.status });
  return { outcome: { outcome: 'rejected', ticketNumber: r.t.number, messageId: mail.messageId, reason: a.reason } };
}
