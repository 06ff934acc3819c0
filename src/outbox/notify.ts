import { eq } from 'drizzle-orm';
import { replyAddress } from '../auth/token';
import type { ResolvedMailbox } from '../config/load';
import type { Secret } from '../config/secret';
import { tickets } from '../db/schema';
import type { ParsedEmail } from '../mail/parse';
import { newPart } from '../mail/quotes';
import { addEvent, type NewAttachment, type Tx } from '../ticket/store';
import { queueFrom } from './queue';
import { formatLocalTime, type Templates } from './templates';

export interface Engineer {
  address: string;
  name: string;
  line: string;
  accept?: readonly ('token' | 'dkim' | 'authentication-results')[];
}

/**
 * Tells engineers about a request by mail: a new request goes to every
 * engineer of its line, a customer's reply to its responsible engineer (or
 * the line). Each mail carries that engineer's signed reply address.
 */
export class Notifier {
  constructor(
    private readonly templates: Templates,
    readonly engineers: readonly Engineer[],
    private readonly secret: Secret | undefined,
  ) {}

  isEngineer(address: string | undefined): boolean {
    return !!address && this.engineers.some((e) => e.address === address);
  }

  /** Queues the notifications inside the caller's transaction; returns how many. */
  queue(
    tx: Tx,
    kind: 'new' | 'followup' | 'bounce',
    ticketId: number,
    mailbox: ResolvedMailbox,
    mail: Pick<ParsedEmail, 'from' | 'subject' | 'text'>,
    now: Date,
    o: { status?: string; files?: readonly NewAttachment[]; to?: readonly Engineer[]; strangerTo?: string } = {},
  ): number {
    const t = tx.select().from(tickets).where(eq(tickets.id, ticketId)).get()!;
    // o.to: these engineers instead of the request's own (a bounce of our mail to an engineer tells the rest of the line).
    const to = o.to ? o.to : t.assignee && this.isEngineer(t.assignee) ? this.engineers.filter((e) => e.address === t.assignee) : this.engineers.filter((e) => e.line === t.line);
    if (to.length === 0 || !this.secret) return 0;
    const text = this.templates.render(`notify-${kind}`, mailbox.language, {
      number: t.number,
      customer: mail.from ? `${mail.from.name ? `${mail.from.name} ` : ''}<${mail.from.address}>` : '-',
      subject: mail.subject,
      receivedAt: formatLocalTime(now, mailbox.time_zone, mailbox.language),
      line: t.line,
      priority: t.priority ?? '',
      plan: t.plan ?? '',
      severity: t.severity ?? '',
      reactionDue: t.reactionDue ? formatLocalTime(new Date(t.reactionDue), mailbox.time_zone, mailbox.language) : '—',
      resolutionDue: t.resolutionDue ? formatLocalTime(new Date(t.resolutionDue), mailbox.time_zone, mailbox.language) : '—',
      status: o.status ?? '',
      // The sender named a request they are not on: the engineer must not answer them about it.
      strangerTo: o.strangerTo ?? '',
      attachments: (o.files ?? []).map((a) => `${a.filename ?? '(unnamed)'} (${a.size} B${a.stored ? '' : ', not stored: too large'})`).join(', '),
      text: kind === 'followup' ? newPart(mail.text) : mail.text.trim(),
    });
    const attachments = (o.files ?? []).filter((f) => f.stored).map((f) => ({ sha256: f.sha256, filename: f.filename ?? null, contentType: f.contentType }));
    for (const e of to) {
      const messageId = queueFrom(
        tx,
        mailbox,
        {
          ticketId,
          kind: `notify-${kind}`,
          idHint: t.number,
          to: e.address,
          replyTo: replyAddress(this.secret, mailbox.addresses[0], t.number, e.address),
          subject: `[${t.number}] ${t.subject || '-'}`,
          text,
          attachments,
        },
        now,
      );
      addEvent(tx, { ticketId, type: 'engineer.notified', actor: 'system', at: now, data: { kind, engineer: e.address, messageId } });
    }
    return to.length;
  }
}
