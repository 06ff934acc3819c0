import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { slaIntervals, slaNotices, tickets } from '../db/schema';
import type { Pause } from '../sla/calendar';
import { plannedNotices } from '../sla/notices';
import type { SlaPlans } from '../sla/plans';
import { addEvent } from './sqlite';
import type { Tx } from './tx';

/** The SLA ledger of a request: its counted and paused intervals, its deadlines, and when the sweep next looks at it. */

/** Statuses in which the customer (or someone else) owes us: the clock does not count. */
const PAUSED = new Set(['awaiting_info', 'suspended']);
/** Statuses in which the work is done: the clock stops. */
const STOPPED = new Set(['resolved', 'closed']);

/** Starts the clock of a new request at its creation. */
export function startClock(tx: Tx, plans: SlaPlans, ticketId: number, createdAt: Date, by: string): void {
  tx.insert(slaIntervals).values({ ticketId, kind: 'counted', start: createdAt.toISOString(), openedBy: by }).run();
  recompute(tx, plans, ticketId);
}

/**
 * Moves the clock on a status change: a pause opens when the request waits
 * for the customer or is suspended, the count resumes when it is back in
 * work, and stops when it is resolved or closed. Deadlines are recomputed.
 */
export function onStatusChange(tx: Tx, plans: SlaPlans, ticketId: number, from: string, to: string, at: Date, by: string): void {
  const t = tx.select({ plan: tickets.plan }).from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!t?.plan) return;
  const want: 'counted' | 'paused' | null = STOPPED.has(to) ? null : PAUSED.has(to) ? 'paused' : 'counted';
  const open = tx.select().from(slaIntervals).where(and(eq(slaIntervals.ticketId, ticketId), isNull(slaIntervals.end))).get();
  if ((open?.kind ?? null) === want) return;
  const iso = at.toISOString();
  if (open) tx.update(slaIntervals).set({ end: iso, closedBy: by }).where(eq(slaIntervals.id, open.id)).run();
  if (want) tx.insert(slaIntervals).values({ ticketId, kind: want, start: iso, openedBy: by }).run();
  recompute(tx, plans, ticketId);
  addEvent(tx, { ticketId, type: 'sla.clock', actor: 'system', at, data: { from, to, clock: want ?? 'stopped' } });
}

/** The reaction is met by the first answer to the customer or the move to in_progress. */
export function markReacted(tx: Tx, plans: SlaPlans | undefined, ticketId: number, at: Date): void {
  tx.update(tickets).set({ reactedAt: at.toISOString() }).where(and(eq(tickets.id, ticketId), isNull(tickets.reactedAt))).run();
  if (plans) scheduleNext(tx, plans, ticketId);
}

/** Sets when the sweep next has something to do for the request (the indexed column it reads). */
export function scheduleNext(tx: Tx, plans: SlaPlans, ticketId: number): void {
  const t = tx.select().from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!t) return;
  const ledger = ledgerOf(tx, ticketId);
  const sent = noticesSent(tx, ticketId);
  const next = plannedNotices(t, ledger, sent, plans, plans.sweep).find((n) => !sent.has(n.kind));
  tx.update(tickets).set({ nextSlaAt: next ? new Date(next.at).toISOString() : null }).where(eq(tickets.id, ticketId)).run();
}

/** Deadlines from the creation time, the targets and every pause so far; none while paused or stopped. */
export function recompute(tx: Tx, plans: SlaPlans, ticketId: number): void {
  const t = tx.select().from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!t?.plan || !t.severity) return;
  const ledger = ledgerOf(tx, ticketId);
  const open = ledger.find((i) => i.end === null);
  if (open?.kind !== 'counted') {
    tx.update(tickets).set({ reactionDue: null, resolutionDue: null, dueProvisional: null }).where(eq(tickets.id, ticketId)).run();
  } else {
    const pauses: Pause[] = ledger.filter((i) => i.kind === 'paused').map((i) => [Date.parse(i.start), Date.parse(i.end!)]);
    const due = plans.due(t.plan, t.severity, new Date(t.createdAt), pauses, t.timeZone);
    tx.update(tickets)
      .set({ reactionDue: due.reactionDue.toISOString(), resolutionDue: due.resolutionDue?.toISOString() ?? null, dueProvisional: due.provisional.join(',') || null })
      .where(eq(tickets.id, ticketId))
      .run();
  }
  scheduleNext(tx, plans, ticketId);
}

/**
 * Recomputes the deadlines that were counted through provisional years (or
 * that migration 0011 marked "recount"): after a decree is imported and the
 * daemon reloaded, they follow it. Returns how many requests it looked at.
 */
export function recomputeProvisional(db: { transaction<T>(fn: (tx: Tx) => T): T }, plans: SlaPlans): number {
  return db.transaction((tx) => {
    const ids = tx.select({ id: tickets.id }).from(tickets).where(isNotNull(tickets.dueProvisional)).all();
    for (const { id } of ids) recompute(tx, plans, id);
    return ids.length;
  });
}

/** The request's intervals, oldest first. */
export function ledgerOf(tx: Tx, ticketId: number) {
  return tx.select().from(slaIntervals).where(eq(slaIntervals.ticketId, ticketId)).orderBy(asc(slaIntervals.id)).all();
}

/** The kinds of SLA notice already recorded for the request. */
export function noticesSent(tx: Tx, ticketId: number): Set<string> {
  return new Set(tx.select({ kind: slaNotices.kind }).from(slaNotices).where(eq(slaNotices.ticketId, ticketId)).all().map((n) => n.kind));
}

/** Records a due notice once per request and kind (across restarts and overlapping sweeps); false when it was already recorded (its `sla.notice` event follows its action). */
export function recordNotice(tx: Tx, o: { ticketId: number; kind: string; dueAt: Date; at: Date }): boolean {
  const inserted = tx
    .insert(slaNotices)
    .values({ ticketId: o.ticketId, kind: o.kind, dueAt: o.dueAt.toISOString(), sentAt: o.at.toISOString() })
    .onConflictDoNothing()
    .returning({ id: slaNotices.id })
    .all();
  return inserted.length > 0;
}
