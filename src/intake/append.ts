import { changeStatus, amend } from '../requests/status';
import { noteSkippedFiles } from '../requests/inbound';
import type { Tx } from '../requests/tx';
import type { SlaPolicy } from '../sla/policy';
import type { Status } from '../ticket/status';
import { keepInbound, type Prepared } from './prepared';
import type { ThreadHit } from './thread/types';

/**
 * A follow-up added to its request, inside the caller's transaction; the
 * status moves when the effect says so (never for an automated message: an
 * out-of-office reply must not end a wait for the customer). `from` is the
 * request's status before it (the caller has read it).
 */
export function appendFollowUp(
  tx: Tx,
  p: Prepared,
  o: { hit: ThreadHit; now: Date; from: string; change?: { status: Status; reason: string }; sla?: SlaPolicy | null },
): { status?: Status } {
  const { hit, now, change } = o;
  const actor = p.mail.from?.address ?? 'unknown';
  const messageId = keepInbound(tx, p, { ticketId: hit.ticketId, at: now, event: { type: 'message.appended', actor, data: { via: hit.via } } });
  if (change) {
    const sla = o.sla ? { plans: o.sla.plans, by: 'customer reply' } : null;
    changeStatus(tx, { ticketId: hit.ticketId, messageId, from: o.from, to: change.status, at: now, actor, reason: change.reason, sla });
  } else {
    amend(tx, { ticketId: hit.ticketId, at: now });
  }
  noteSkippedFiles(tx, { ticketId: hit.ticketId, messageId, files: p.files, at: now });
  return change ? { status: change.status } : {};
}
