import { and, asc, eq, gte, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { slaIntervals, tickets } from '../db/schema';
import { businessTimeBetween, type Pause } from './calendar';
import type { SlaPlans } from './plans';

export interface ReportRow {
  plan: string;
  severity: string;
  requests: number;
  reaction: { met: number; breached: number; pending: number };
  resolution: { met: number; breached: number; pending: number; noTarget: number };
  /** Counted (business) minutes of each request so far: median and 90th percentile. */
  countedMinutes: { median: number | null; p90: number | null };
}

/** Met and breached targets per plan × severity for requests opened in [from, to). */
export function slaReport(db: Db, plans: SlaPlans, now: Date, from?: Date, to?: Date): ReportRow[] {
  const rows = db
    .select()
    .from(tickets)
    .where(and(isNotNull(tickets.plan), from ? gte(tickets.createdAt, from.toISOString()) : undefined, to ? lt(tickets.createdAt, to.toISOString()) : undefined))
    .all();
  const groups = new Map<string, ReportRow & { counted: number[] }>();
  for (const t of rows) {
    const key = `${t.plan}\u0000${t.severity}`;
    let g = groups.get(key);
    if (!g) {
      g = { plan: t.plan!, severity: t.severity!, requests: 0, reaction: { met: 0, breached: 0, pending: 0 }, resolution: { met: 0, breached: 0, pending: 0, noTarget: 0 }, countedMinutes: { median: null, p90: null }, counted: [] };
      groups.set(key, g);
    }
    g.requests++;
    const ledger = db.select().from(slaIntervals).where(eq(slaIntervals.ticketId, t.id)).orderBy(asc(slaIntervals.id)).all();
    const pauses: Pause[] = ledger.filter((i) => i.kind === 'paused').map((i) => [Date.parse(i.start), i.end ? Date.parse(i.end) : Infinity]);
    const counting = ledger.some((i) => i.kind === 'counted' && i.end === null);
    const targets = plans.targets(t.plan!, t.severity!, t.timeZone);
    const due = plans.due(t.plan!, t.severity!, new Date(t.createdAt), pauses.filter(([, e]) => e !== Infinity), t.timeZone);
    const judge = (doneAt: string | null, dueAt: Date, bucket: { met: number; breached: number; pending: number }) => {
      if (doneAt) bucket[Date.parse(doneAt) <= dueAt.getTime() ? 'met' : 'breached']++;
      else if (counting && now > dueAt) bucket.breached++;
      else bucket.pending++;
    };
    judge(t.reactedAt, due.reactionDue, g.reaction);
    const resolvedAt = t.status === 'resolved' || t.status === 'closed' ? t.resolvedAt : null;
    if (due.resolutionDue) judge(resolvedAt, due.resolutionDue, g.resolution);
    else g.resolution.noTarget++;
    const cal = (targets.resolution ?? targets.reaction).calendar;
    g.counted.push(ledger.filter((i) => i.kind === 'counted').reduce((s, i) => s + businessTimeBetween(new Date(i.start), i.end ? new Date(i.end) : now, cal), 0));
  }
  return [...groups.values()]
    .map(({ counted, ...g }) => ({ ...g, countedMinutes: { median: percentile(counted, 0.5), p90: percentile(counted, 0.9) } }))
    .sort((a, b) => a.plan.localeCompare(b.plan) || a.severity.localeCompare(b.severity));
}

/** Nearest-rank percentile. */
function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]);
}
