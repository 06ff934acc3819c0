import type { LedgerRow, TicketRow } from '../db/schema';
import type { Config } from '../config/load';
import { addBusinessTime, nextWorkingInstant, type Pause } from './calendar';
import type { SlaPlans } from './plans';

export type SweepConfig = Config['sla'];

/** One thing the sweep must do for a request at an instant; `kind` is unique per request and makes it happen once. */
export interface PlannedNotice {
  kind: string;
  at: number;
  what: 'remind' | 'breach' | 'awaiting-remind' | 'awaiting-expire' | 'autoclose';
  target?: 'reaction' | 'resolution';
  percent?: number;
}

/**
 * Everything the sweep will have to do for a request in its present state
 * (pure): reminders at fractions of each target, the breach and its repeats,
 * reminders to a customer we wait for and the end of that wait, and the
 * closing of a resolved request nobody objected to.
 */
export function plannedNotices(
  t: TicketRow,
  ledger: readonly LedgerRow[],
  sent: ReadonlySet<string>,
  plans: SlaPlans,
  cfg: SweepConfig,
): PlannedNotice[] {
  if (!t.plan || !t.severity) return [];
  const targets = plans.targets(t.plan, t.severity, t.timeZone);
  const open = ledger.find((i) => i.end === null);
  const pauses: Pause[] = ledger.filter((i) => i.kind === 'paused' && i.end).map((i) => [Date.parse(i.start), Date.parse(i.end!)]);
  const created = new Date(t.createdAt);
  const out: PlannedNotice[] = [];
  const cal = (targets.resolution ?? targets.reaction).calendar;

  if (open?.kind === 'counted') {
    for (const target of ['reaction', 'resolution'] as const) {
      const tg = targets[target];
      if (!tg || (target === 'reaction' && t.reactedAt)) continue;
      for (const f of cfg.remind_at) {
        out.push({ kind: `${target}.remind.${Math.round(f * 100)}`, at: addBusinessTime(created, tg.minutes * f, tg.calendar, pauses).getTime(), what: 'remind', target, percent: Math.round(f * 100) });
      }
      const due = addBusinessTime(created, tg.minutes, tg.calendar, pauses).getTime();
      out.push({ kind: `${target}.breach`, at: due, what: 'breach', target });
      if (sent.has(`${target}.breach`)) {
        const k = [...sent].filter((s) => s.startsWith(`${target}.breach.`)).length + 1;
        const at = nextWorkingInstant(new Date(due + k * cfg.breach_repeat_minutes * 60_000), tg.calendar).getTime();
        out.push({ kind: `${target}.breach.${k}`, at, what: 'breach', target });
      }
    }
  }
  if (open?.kind === 'paused' && t.status === 'awaiting_info') {
    cfg.awaiting_remind_days.forEach((days, i) => {
      out.push({ kind: `awaiting.remind.${i + 1}@${open.start}`, at: addBusinessTime(new Date(open.start), days * cal.dayMinutes, cal).getTime(), what: 'awaiting-remind' });
    });
    if (cfg.awaiting_expire_days > 0) {
      out.push({ kind: `awaiting.expire@${open.start}`, at: addBusinessTime(new Date(open.start), cfg.awaiting_expire_days * cal.dayMinutes, cal).getTime(), what: 'awaiting-expire' });
    }
  }
  if (t.status === 'resolved' && t.resolvedAt && cfg.autoclose_days > 0) {
    out.push({ kind: `autoclose@${t.resolvedAt}`, at: addBusinessTime(new Date(t.resolvedAt), cfg.autoclose_days * cal.dayMinutes, cal).getTime(), what: 'autoclose' });
  }
  return out.sort((a, b) => a.at - b.at);
}
