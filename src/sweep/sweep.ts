import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config, ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import { ccOf, engineersOf, type Copies, type Engineer } from '../compose/recipients';
import { formatLocalTime, type Templates } from '../compose/templates';
import { ledgerOf, noticesSent, recordNotice, scheduleNext } from '../requests/ledger';
import { queueMail } from '../requests/mail';
import { dueForSweep, ticketById } from '../requests/read';
import { lastMessageIdFrom } from '../requests/read-thread';
import { addEvent } from '../requests/sqlite';
import { changeStatus } from '../requests/status';
import type { LedgerRow, TicketRow, Tx } from '../requests/tx';
import { tagSubject } from '../ticket/subject';
import { plannedNotices, type PlannedNotice } from '../sla/notices';
import type { SlaPlans } from '../sla/plans';

export interface SweepDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  plans: SlaPlans;
  templates: Templates;
  engineers: readonly Engineer[];
  mailboxes: readonly ResolvedMailbox[];
  escalation: Config['sla']['escalation'];
  /** Participants copied on the notices the customer gets (none when absent). */
  copies?: Copies;
  /** An engineer's signed forwarding address for a mailbox, printed in the footer of their notices ('' for anyone else). */
  forwardAddress?: (mailbox: ResolvedMailbox, address: string) => string;
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
    const due = dueForSweep(db, now, batch);
    let sent = 0;
    for (const { id } of due) sent += db.transaction((tx: Tx) => this.one(tx, id, now), { behavior: 'immediate' });
    if (sent > 0) this.d.onQueued?.();
    return sent;
  }

  private one(tx: Tx, ticketId: number, now: Date): number {
    const { plans, log } = this.d;
    const t = ticketById(tx, ticketId)!;
    const ledger = ledgerOf(tx, ticketId);
    const sent = noticesSent(tx, ticketId);
    let count = 0;
    for (const n of plannedNotices(t, ledger, sent, plans, plans.sweep)) {
      if (n.at > now.getTime() || sent.has(n.kind)) continue;
      if (!recordNotice(tx, { ticketId, kind: n.kind, dueAt: new Date(n.at), at: now })) continue;
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
  private act(tx: Tx, t: TicketRow, ledger: readonly LedgerRow[], n: PlannedNotice, now: Date): number {
    const mailbox = this.d.mailboxes.find((m) => m.name === t.mailbox) ?? this.d.mailboxes[0];
    const lang = mailbox.language;
    const time = (iso: string | number) => formatLocalTime(new Date(iso), mailbox.time_zone, lang);
    if (n.what === 'remind' || n.what === 'breach') {
      const to = engineersOf(this.d.engineers, t).map((e) => e.address);
      const escalate = this.d.escalation[t.line];
      if (n.what === 'breach' && escalate && !to.includes(escalate)) to.push(escalate);
      const values = {
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
      };
      for (const address of to) {
        const { text, html } = this.d.templates.both('sla-notice', lang, { ...values, forwardAddress: this.d.forwardAddress?.(mailbox, address) ?? '' });
        this.mail(tx, { t, mailbox, kind: n.what === 'breach' ? 'sla-breach' : 'sla-remind', to: address, subject: `[${t.number}] SLA`, text, html, now, inReplyTo: null });
      }
      return to.length;
    }
    if (!t.requesterAddress) return 0;
    const lastFromCustomer = lastMessageIdFrom(tx, t.id, t.requesterAddress);
    const subject = tagSubject(t.subject, t.number, '-');
    if (n.what === 'awaiting-remind') {
      const waiting = n.kind.split('@')[1];
      const expire = plannedNotices(t, ledger, new Set(), this.d.plans, this.d.plans.sweep).find((x) => x.what === 'awaiting-expire');
      const { text, html } = this.d.templates.both('awaiting-remind', lang, {
        number: t.number,
        subject: t.subject,
        since: time(waiting),
        expires: expire ? time(expire.at) : '',
        close: this.d.plans.sweep.awaiting_expire_action === 'close',
        supportName: mailbox.from_name,
      }, mailbox.signature);
      this.mail(tx, { t, mailbox, kind: 'awaiting-remind', to: t.requesterAddress, cc: this.cc(tx, t), subject, text, html, now, inReplyTo: lastFromCustomer });
      return 1;
    }
    const expired = n.what === 'awaiting-expire';
    const to = expired && this.d.plans.sweep.awaiting_expire_action === 'suspend' ? 'suspended' : 'closed';
    const reason = expired ? 'no answer from the customer (customer_unreachable)' : 'resolved without objection';
    const by = expired ? 'sla sweep: wait expired' : 'sla sweep: auto-close';
    changeStatus(tx, { ticketId: t.id, from: t.status, to, at: now, actor: 'system', reason, sla: { plans: this.d.plans, by } });
    const { text, html } = this.d.templates.both('closed', lang, { number: t.number, subject: t.subject, expired, suspended: to === 'suspended', supportName: mailbox.from_name }, mailbox.signature);
    this.mail(tx, { t, mailbox, kind: expired ? 'awaiting-expired' : 'closed', to: t.requesterAddress, cc: this.cc(tx, t), subject, text, html, now, inReplyTo: lastFromCustomer });
    return 1;
  }

  private cc(tx: Tx, t: TicketRow): string[] {
    return ccOf(tx, t.id, t.requesterAddress, this.d.copies);
  }

  private mail(tx: Tx, m: { t: TicketRow; mailbox: ResolvedMailbox; kind: string; to: string; cc?: string[]; subject: string; text: string; html: string; now: Date; inReplyTo: string | null }): void {
    const { t, inReplyTo } = m;
    queueMail(tx, { from: m.mailbox, at: m.now, mail: { ticketId: t.id, kind: m.kind, idHint: t.number, to: m.to, cc: m.cc, subject: m.subject, text: m.text, html: m.html, inReplyTo, references: inReplyTo ? [inReplyTo] : [] } });
  }
}
