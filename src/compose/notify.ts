import { forwardAddress, replyAddress } from '../auth/token';
import type { ResolvedMailbox } from '../config/load';
import type { Secret } from '../config/secret';
import type { ParsedEmail } from '../mail/parse';
import { newPart } from '../mail/quotes';
import { queueMail } from '../requests/mail';
import { participantsOf, ticketById } from '../requests/read';
import { addEvent } from '../requests/sqlite';
import type { NewAttachment, Tx } from '../requests/tx';
import { engineersOf, isEngineer, type Engineer } from './recipients';
import { formatLocalTime, type Templates } from './templates';

export type { Engineer } from './recipients';

/** One notice to engineers about a request. */
export interface Notice {
  kind: 'new' | 'followup' | 'bounce';
  ticketId: number;
  mailbox: ResolvedMailbox;
  mail: Pick<ParsedEmail, 'from' | 'subject' | 'text'>;
  at: Date;
  status?: string;
  files?: readonly NewAttachment[];
  /** These engineers instead of the request's own (a bounce of our mail to an engineer tells the rest of the line). */
  to?: readonly Engineer[];
  /** The sender named a request they are not on: the engineer must not answer them about it. */
  strangerTo?: string;
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
    return isEngineer(this.engineers, address);
  }

  /** The engineer's signed forwarding address for the mailbox (the footer of their notifications), or '' for anyone else. */
  forwardAddressFor(mailbox: ResolvedMailbox, address: string): string {
    return this.secret && this.isEngineer(address) ? forwardAddress(this.secret, mailbox.addresses[0], address) : '';
  }

  /** Queues the notifications inside the caller's transaction; returns how many. */
  queue(tx: Tx, n: Notice): number {
    const { mailbox, mail, at: now } = n;
    const t = ticketById(tx, n.ticketId)!;
    const to = n.to ?? engineersOf(this.engineers, t);
    if (to.length === 0 || !this.secret) return 0;
    const local = (d: Date) => formatLocalTime(d, mailbox.time_zone, mailbox.language);
    const values = {
      number: t.number,
      customer: mail.from ? `${mail.from.name ? `${mail.from.name} ` : ''}<${mail.from.address}>` : '-',
      subject: mail.subject,
      receivedAt: local(now),
      line: t.line,
      priority: t.priority ?? '',
      plan: t.plan ?? '',
      severity: t.severity ?? '',
      reactionDue: t.reactionDue ? local(new Date(t.reactionDue)) : '—',
      resolutionDue: t.resolutionDue ? local(new Date(t.resolutionDue)) : '—',
      status: n.status ?? '',
      strangerTo: n.strangerTo ?? '',
      attachments: (n.files ?? []).map((a) => `${a.filename ?? '(unnamed)'} (${a.size} B${a.stored ? '' : ', not stored: too large'})`).join(', '),
      text: n.kind === 'followup' ? newPart(mail.text) : mail.text.trim(),
      participants: participantsOf(tx, t.id).map((p) => p.address).join(', '),
    };
    const attachments = (n.files ?? []).filter((f) => f.stored).map((f) => ({ sha256: f.sha256, filename: f.filename ?? null, contentType: f.contentType }));
    for (const e of to) {
      const { text, html } = this.templates.both(`notify-${n.kind}`, mailbox.language, { ...values, forwardAddress: this.forwardAddressFor(mailbox, e.address) });
      const messageId = queueMail(tx, {
        from: mailbox,
        at: now,
        mail: {
          ticketId: n.ticketId,
          kind: `notify-${n.kind}`,
          idHint: t.number,
          to: e.address,
          replyTo: replyAddress(this.secret, mailbox.addresses[0], t.number, e.address),
          subject: `[${t.number}] ${t.subject || '-'}`,
          text,
          html,
          attachments,
        },
      });
      addEvent(tx, { ticketId: n.ticketId, type: 'engineer.notified', actor: 'system', at: now, data: { kind: n.kind, engineer: e.address, messageId } });
    }
    return to.length;
  }
}
