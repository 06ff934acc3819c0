import { eq } from 'drizzle-orm';
import { tickets } from '../db/schema';
import type { SlaPlans } from '../sla/plans';
import type { Status } from '../ticket/status';
import { onStatusChange } from './ledger';
import { addEvent } from './sqlite';
import type { TicketFields, Tx } from './tx';

/**
 * When a request was resolved, the one rule: the moment it is moved to
 * resolved or closed (closing a resolved request dates it anew: the
 * auto-close's own time), and none in any other status (it is open again).
 */
export function resolvedAtFor(to: Status, at: Date): string | null {
  return to === 'resolved' || to === 'closed' ? at.toISOString() : null;
}

export interface StatusChange {
  ticketId: number;
  from: string;
  to: Status;
  at: Date;
  /** Who moved it (an address, or 'system'), and why: the `status.changed` event. */
  actor: string;
  reason: string;
  /** The message that moved it, when one did. */
  messageId?: number | null;
  /** Other fields set in the same update (an engineer's commands). */
  also?: TicketFields;
  /** The SLA clock to move (omitted: the request has no plan); `at` defaults to the change's. */
  sla?: { plans: SlaPlans; by: string; at?: Date } | null;
}

/** The one way a request's status changes: the row, its `status.changed` event, the SLA clock. */
export function changeStatus(tx: Tx, c: StatusChange): void {
  const at = c.at.toISOString();
  tx.update(tickets)
    .set({ ...c.also, status: c.to, updatedAt: at, resolvedAt: resolvedAtFor(c.to, c.at) })
    .where(eq(tickets.id, c.ticketId))
    .run();
  addEvent(tx, { ticketId: c.ticketId, messageId: c.messageId, type: 'status.changed', actor: c.actor, at: c.at, data: { from: c.from, to: c.to, reason: c.reason } });
  if (c.sla) onStatusChange(tx, c.sla.plans, c.ticketId, c.from, c.to, c.sla.at ?? c.at, c.sla.by);
}

/** Sets fields of a request without moving its status (assign, escalate, priority, type); updatedAt too. */
export function amend(tx: Tx, o: { ticketId: number; at: Date; set?: TicketFields }): void {
  tx.update(tickets)
    .set({ ...o.set, updatedAt: o.at.toISOString() })
    .where(eq(tickets.id, o.ticketId))
    .run();
}

/** Plan, severity, organisation and zone of a new request. */
export function setPlan(tx: Tx, o: { ticketId: number; plan: string; severity: string; organisation: string | null; timeZone: string | null }): void {
  tx.update(tickets).set({ plan: o.plan, severity: o.severity, organisation: o.organisation, timeZone: o.timeZone }).where(eq(tickets.id, o.ticketId)).run();
}
