import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { slaIntervals, slaNotices, tickets } from '../db/schema';
import { plannedNotices } from './notices';
import type { Tx } from '../ticket/store';
import { addEvent } from '../ticket/store';
import type { Pause } from './calendar';
import type { SlaPlans } from './plans';

/** Statuses in which the customer (or someone else) owes us: the clock does not count. */
const PAUSED = new Set(['awaiting_info', 'suspended']);
/** Statuses in which the work is done: the clock stops. */
const STOPPED = new Set(['resolved', 'closed']);
const RANKS = ['critical', 'high', 'medium', 'low'];

export interface Assignment {
  plan: string;
  severity: string;
  organisation: string | null;
  timeZone: string | null;
  notes: string[];
}

export interface SlaPolicy {
  plans: SlaPlans;
  organisations: readonly { name: string; domains: readonly string[]; contacts: readonly string[]; plan: string; time_zone?: string }[];
  defaultPlan: string | null;
  unknownSenders: 'register' | 'refuse';
  defaultSeverity: string;
  keywords: { critical: readonly string[]; high: readonly string[] };
}

/** Plan and severity of a new request: the sender's organisation (contact, then domain) or the default plan; keywords raise the severity. */
/** The organisation of a sender: by contact address, then by e-mail domain. */
export function organisationOf(policy: Pick<SlaPolicy, 'organisations'>, from: string | undefined) {
  const domain = from?.split('@')[1]?.toLowerCase();
  return policy.organisations.find((o) => !!from && o.contacts.includes(from)) ?? policy.organisations.find((o) => !!domain && o.domains.includes(domain)) ?? null;
}

export function assign(policy: SlaPolicy, from: string | undefined, subject: string, text: string): Assignment | null {
  const org = organisationOf(policy, from);
  const plan = org?.plan ?? policy.defaultPlan;
  if (!plan) return null;
  const haystack = `${subject}\n${text}`.toLowerCase();
  const hit = (['critical', 'high'] as const).find((r) => policy.keywords[r].some((k) => haystack.includes(k.toLowerCase())));
  const wanted = hit && RANKS.indexOf(hit) < RANKS.indexOf(policy.defaultSeverity) ? hit : policy.defaultSeverity;
  const notes = hit && wanted === hit ? [`severity raised to ${hit} by a keyword`] : [];
  const severity = severityIn(policy.plans, plan, wanted, notes);
  return { plan, severity, organisation: org?.name ?? null, timeZone: org?.time_zone ?? null, notes };
}

/** A severity of the plan for a wanted rank: the same name, else the plan's severity of that rank, capped at its lowest (Basic has only medium). */
export function severityIn(plans: SlaPlans, plan: string, wanted: string, notes: string[] = []): string {
  const names = plans.severityNames(plan);
  if (names.includes(wanted)) return wanted;
  const rank = Math.max(0, RANKS.indexOf(wanted));
  const chosen = names[Math.min(rank, names.length - 1)];
  notes.push(`plan ${plan} has no severity ${wanted}: handled as ${chosen}`);
  return chosen;
}

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
  const ledger = tx.select().from(slaIntervals).where(eq(slaIntervals.ticketId, ticketId)).orderBy(asc(slaIntervals.id)).all();
  const sent = new Set(tx.select({ kind: slaNotices.kind }).from(slaNotices).where(eq(slaNotices.ticketId, ticketId)).all().map((n) => n.kind));
  const next = plannedNotices(t, ledger, sent, plans, plans.sweep).find((n) => !sent.has(n.kind));
  tx.update(tickets).set({ nextSlaAt: next ? new Date(next.at).toISOString() : null }).where(eq(tickets.id, ticketId)).run();
}

/** Deadlines from the creation time, the targets and every pause so far; none while paused or stopped. */
export function recompute(tx: Tx, plans: SlaPlans, ticketId: number): void {
  const t = tx.select().from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!t?.plan || !t.severity) return;
  const ledger = tx.select().from(slaIntervals).where(eq(slaIntervals.ticketId, ticketId)).orderBy(asc(slaIntervals.id)).all();
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
