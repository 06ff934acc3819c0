import { sql } from 'drizzle-orm';
import { counters, tickets } from '../db/schema';
import type { Assignment } from '../sla/policy';
import type { SlaPlans } from '../sla/plans';
import type { Numbering } from '../ticket/numbering';
import { recordInbound, type FirstEvent } from './inbound';
import { startClock } from './ledger';
import { addEvent } from './sqlite';
import { setPlan } from './status';
import type { NewAttachment, NewMessage, NewTicket, Tx } from './tx';

/** Next value of a registration-number sequence; call inside the transaction that uses it. */
export function nextSeq(tx: Tx, scope: string): number {
  const row = tx
    .insert(counters)
    .values({ scope, value: 1 })
    .onConflictDoUpdate({ target: counters.scope, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
    .get();
  return row.value;
}

export interface Open {
  numbering: Numbering;
  /** When the request arrived: its number's scope (the year) and, with a plan, the start of its SLA clock. */
  receivedAt: Date;
  at: Date;
  ticket: Omit<NewTicket, 'number' | 'scope' | 'seq'>;
  message: Omit<NewMessage, 'ticketId'>;
  files: readonly NewAttachment[];
  /** The first message's event (`ticket.created`). */
  event: FirstEvent;
  /** Its plan and severity, and the plans whose clock starts (omitted: no SLA). */
  sla?: { assignment: Assignment; plans: SlaPlans } | null;
}

/**
 * A new request: the next registration number, the request, its first
 * message and attachments, its `ticket.created` event and, with a plan, its
 * plan and SLA clock. Returns its id, number and the first message's id.
 */
export function open(tx: Tx, o: Open): { ticketId: number; number: string; messageId: number } {
  const scope = o.numbering.scopeFor(o.receivedAt);
  const seq = nextSeq(tx, scope);
  const number = o.numbering.format(scope, seq);
  const ticketId = tx.insert(tickets).values({ ...o.ticket, number, scope, seq }).returning({ id: tickets.id }).get().id;
  const messageId = recordInbound(tx, { message: { ...o.message, ticketId }, files: o.files, at: o.at, event: o.event });
  if (o.sla) {
    const a = o.sla.assignment;
    setPlan(tx, { ticketId, plan: a.plan, severity: a.severity, organisation: a.organisation, timeZone: a.timeZone });
    startClock(tx, o.sla.plans, ticketId, o.receivedAt, 'ticket.created');
    addEvent(tx, { ticketId, messageId, type: 'sla.assigned', actor: 'system', at: o.at, data: a });
  }
  return { ticketId, number, messageId };
}
