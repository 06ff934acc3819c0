import { and, asc, desc, eq, isNotNull, lte } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config, ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import { messages, slaIntervals, slaNotices, tickets } from '../db/schema';
import type { Engineer } from '../outbox/notify';
import { queueFrom } from '../outbox/queue';
import { formatLocalTime, type Templates } from '../outbox/templates';
import { addEvent, type Tx } from '../ticket/store';
import { tagSubject } from '../ticket/subject';
import { onStatusChange, scheduleNext } from './clock';
import { plannedNotices, type PlannedNotice } from './notices';
import type { SlaPlans } from './plans';

export interface SweepDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  plans: SlaPlans;
  templates: Templates;
  engineers: readonly Engineer[];
  mailboxes: readonly ResolvedMailbox[];
  escalation: Config['sla']['escalation'];
  /** Called when mail was queued. */
  onQueued?: () => void;
}

/**
 * The SLA sweep: reads only the requests whose `next_sla_at` has come (an
 * indexed column), and in one transaction per request records each due notice
 * (unique per request and kind: sent once, across restarts and overlapping
 * sweeps), queues its mail and applies its action, then schedules the next.
 */
export class SlaSweep {
  constructor(private readonly d: SweepDeps) {}

  run(batch = 500): number {
    const { db, clock } = this.d;
    const now = clock.now();
    const due = db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(isNotNull(tickets.nextSlaAt), lte(tickets.nextSlaAt, now.toISOString())))
      .orderBy(asc(tickets.nextSlaAt))
      .limit(batch)
      .all();
    let sent = 0;
    for (const { id } of due) sent += db.transaction((tx: Tx) => this.one(tx, id, now), { behavior: 'immediate' });
    if (sent > 0) this.d.onQueued?.();
    return sent;
  }

  private one(tx: Tx, ticketId: number, now: Date): number {
    const { plans, log } = this.d;
    const t = tx.select().from(tickets).where(eq(tickets.id, ticketId)).get()!;
    const ledger = tx.select().from(slaIntervals).where(eq(slaIntervals.ticketId, ticketId)).orderBy(asc(slaIntervals.id)).all();
    const sent = new Set(tx.select({ kind: slaNotices.kind }).from(slaNotices).where(eq(slaNotices.ticketId, ticketId)).all().map((n) => n.kind));
    let count = 0;
    for (const n of plannedNotices(t, ledger, sent, plans, plans.sweep)) {
      if (n.at > now.getTime() || sent.has(n.kind)) continue;
      const inserted = tx
        .insert(slaNotices)
        .values({ ticketId, kind: n.kind, dueAt: new Date(n.at).toISOString(), sentAt: now.toISOString() })
        .onConflictDoNothing()
        .returning({ id: slaNotices.id })
        .all();
      if (inserted.length === 0) continue;
      count += this.act(tx, t, ledger, n, now);
      addEvent(tx, { ticketId, type: 'sla.notice', actor: 'system', at: now, data: { kind: n.kind, dueAt: new Date(n.at).toISOString() } });
      log.info({ event: 'sla.notice', ticket: t.number, kind: n.kind }, 'sla.notice');
      // An action (auto-close, end of a wait) changes what comes next: plan again from the new state.
      if (n.what === 'autoclose' || n.what === 'awaiting-expire') break;
    }
    scheduleNext(tx, plans, ticketId);
    return count;
  }

  /** Queues the notice's mail and applies its action; returns the number of mails. */
  private act(tx: Tx, t: typeof tickets.$inferSelect, ledger: readonly (typeof slaIntervals.$inferSelect)[], n: PlannedNotice, now: Date): number {
    const mailbox = this.d.mailboxes.find((m) => m.name === t.mailbox) ?? this.d.mailboxes[0];
    const lang = mailbox.language;
    const time = (iso: string | number) => formatLocalTime(new Date(iso), mailbox.time_zone, lang);
    if (n.what === 'remind' || n.what === 'breach') {
      const to = this.engineersOf(t).map((e) => e.address);
      const escalate = this.d.escalation[t.line];
      if (n.what === 'breach' && escalate && !to.includes(escalate)) to.push(escalate);
      const text = this.d.templates.render('sla-notice', lang, {
        number: t.number,
        breach: n.what === 'breach',
        reaction: n.target === 'reaction',
        repeat: /\.breach\.(\d+)$/.exec(n.kind)?.[1] ?? '',
        percent: n.percent ?? 100,
        due: time(n.what === 'breach' ? n.at : (n.target === 'reaction' ? t.reactionDue : t.resolutionDue) ?? n.at),
        subject: t.subject,
        customer: t.requesterAddress ?? '-',
        plan: t.plan,
        severity: t.severity,
        status: t.status,
      });
      for (const address of to) this.mail(tx, t, mailbox, n.what === 'breach' ? 'sla-breach' : 'sla-remind', address, `[${t.number}] SLA`, text, now, null);
      return to.length;
    }
    if (!t.requesterAddress) return 0;
    const lastFromCustomer = tx
      .select({ id: messages.messageId })
      .from(messages)
      .where(and(eq(messages.ticketId, t.id), eq(messages.fromAddress, t.requesterAddress)))
      .orderBy(desc(messages.id))
      .get()?.id ?? null;
    const subject = tagSubject(t.subject, t.number, '-');
    if (n.what === 'awaiting-remind') {
      const waiting = n.kind.split('@')[1];
      const expire = plannedNotices(t, ledger, new Set(), this.d.plans, this.d.plans.sweep).find((x) => x.what === 'awaiting-expire');
      const text = this.d.templates.render('awaiting-remind', lang, {
        number: t.number,
        subject: t.subject,
        since: time(waiting),
        expires: expire ? time(expire.at) : '',
        close: this.d.plans.sweep.awaiting_expire_action === 'close',
        supportName: mailbox.from_name,
      });
      this.mail(tx, t, mailbox, 'awaiting-remind', t.requesterAddress, subject, text, now, lastFromCustomer);
      return 1;
    }
    const expired = n.what === 'awaiting-expire';
    const to = expired && this.d.plans.sweep.awaiting_expire_action === 'suspend' ? 'suspended' : 'closed';
    tx.update(tickets)
      .set({ status: to, updatedAt: now.toISOString(), resolvedAt: to === 'closed' ? now.toISOString() : t.resolvedAt })
      .where(eq(tickets.id, t.id))
      .run();
    addEvent(tx, { ticketId: t.id, type: 'status.changed', actor: 'system', at: now, data: { from: t.status, to, reason: expired ? 'no answer from the customer (customer_unreachable)' : 'resolved without objection' } });
    onStatusChange(tx, this.d.plans, t.id, t.status, to, now, expired ? 'sla sweep: wait expired' : 'sla sweep: auto-close');
    const text = this.d.templates.render('closed', lang, { number: t.number, subject: t.subject, expired, suspended: to === 'suspended', supportName: mailbox.from_name });
    this.mail(tx, t, mailbox, expired ? 'awaiting-expired' : 'closed', t.requesterAddress, subject, text, now, lastFromCustomer);
    return 1;
  }

  private engineersOf(t: typeof tickets.$inferSelect): Engineer[] {
    const assignee = t.assignee ? this.d.engineers.filter((e) => e.address === t.assignee) : [];
    return assignee.length ? assignee : this.d.engineers.filter((e) => e.line === t.line);
  }

  private mail(tx: Tx, t: typeof tickets.$inferSelect, mailbox: ResolvedMailbox, kind: string, to: string, subject: string, text: string, now: Date, inReplyTo: string | null): void {
    queueFrom(tx, mailbox, { ticketId: t.id, kind, idHint: t.number, to, subject, text, inReplyTo, references: inReplyTo ? [inReplyTo] : [] }, now);
  }
}
