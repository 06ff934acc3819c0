import { eq } from 'drizzle-orm';
import { tickets } from '../db/schema';
import { onStatusChange, type SlaPolicy } from '../sla/clock';
import type { Status } from '../ticket/status';
import { addEvent, insertMessage, type Tx } from '../ticket/store';
import { inboundRow, type Prepared } from './prepared';
import type { ThreadHit } from './thread/types';

/**
 * A follow-up added to its request, inside the caller's transaction; the
 * status moves when the effect says so (never for an automated message: an
 * out-of-office reply must not end a wait for the customer).
 */
export function appendFollowUp(
  tx: Tx,
  p: Prepared,
  hit: ThreadHit,
  now: Date,
  change?: { status: Status; reason: string },
  sla?: SlaPolicy | null,
): { status?: Status } {
  const at = now.toISOString();
  const messageId = insertMessage(tx, inboundRow(p, hit.ticketId, at), p.files);
  const actor = p.mail.from?.address ?? 'unknown';
  addEvent(tx, { ticketId: hit.ticketId, messageId, type: 'message.appended', actor, at: now, data: { via: hit.via } });
  if (change) {
    const before = tx.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, hit.ticketId)).get()!.status;
    tx.update(tickets).set({ status: change.status, updatedAt: at, resolvedAt: null }).where(eq(tickets.id, hit.ticketId)).run();
    addEvent(tx, { ticketId: hit.ticketId, messageId, type: 'status.changed', actor, at: now, data: { from: before, to: change.status, reason: change.reason } });
    if (sla) onStatusChange(tx, sla.plans, hit.ticketId, before, change.status, now, 'customer reply');
  } else {
    tx.update(tickets).set({ updatedAt: at }).where(eq(tickets.id, hit.ticketId)).run();
  }
  for (const f of p.files.filter((x) => !x.stored)) {
    addEvent(tx, { ticketId: hit.ticketId, messageId, type: 'attachment.skipped', actor: 'system', at: now, data: { filename: f.filename, size: f.size, reason: f.skipReason } });
  }
  return change ? { status: change.status } : {};
}
