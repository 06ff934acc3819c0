import { authenticateEngineer, type AuthOptions } from '../auth/authenticate';
import type { Notifier } from '../compose/notify';
import type { Engineer } from '../compose/recipients';
import { NO_SUBJECT } from '../compose/registration';
import type { Templates } from '../compose/templates';
import { markReacted, recompute } from '../requests/ledger';
import { queueMail } from '../requests/mail';
import { attachmentsOf, firstInbound, inboundTexts, internalMailText, ticketById } from '../requests/read';
import { threadWith } from '../requests/read-thread';
import { addEvent } from '../requests/sqlite';
import { amend, changeStatus } from '../requests/status';
import type { TicketFields, Tx } from '../requests/tx';
import type { Status } from '../ticket/status';
import { tagSubject } from '../ticket/subject';
import { keepInbound, type Prepared } from '../intake/prepared';
import type { ThreadHit } from '../intake/thread/types';
import type { Outcome } from '../intake/types';
import { parseCommands, type Command } from './parse';
import { internalLine, ownText } from './reply-text';
import { severityIn, type SlaPolicy } from '../sla/clock';

/** Status changes the customer is told about. */
const TOLD: readonly Status[] = ['awaiting_info', 'suspended', 'resolved'];

export interface DeskDeps {
  templates: Templates;
  notifier: Notifier;
  engineers: readonly Engineer[];
  auth: AuthOptions;
  sla?: SlaPolicy | null;
}

/**
 * An engineer's reply on a request: authenticate it, apply its commands all
 * or nothing, relay the rest to the customer, confirm to the engineer. Runs
 * inside the intake transaction.
 */
export class CommandDesk {
  private readonly lines: string[];
  constructor(private readonly d: DeskDeps) {
    this.lines = [...new Set(d.engineers.map((e) => e.line))];
  }

  handle(tx: Tx, p: Prepared, hit: ThreadHit, now: Date): Outcome {
    const { mail, input } = p;
    const t = ticketById(tx, hit.ticketId)!;
    const engineer = this.d.engineers.find((e) => e.address === mail.from?.address)!;
    const messageId = keepInbound(tx, p, { ticketId: t.id, at: now });
    const event = (type: string, data: unknown) => addEvent(tx, { ticketId: t.id, messageId, type, actor: engineer.address, at: now, data });
    const confirm = (data: Record<string, unknown>) => this.confirm(tx, t.id, t.number, engineer, input.mailbox, now, data);

    const auth = authenticateEngineer(mail, t.number, { ...this.d.auth, dkimPass: p.dkimPass, accept: engineer.accept ?? ['token', 'dkim', 'authentication-results'] });
    if (!auth.ok) {
      event('command.unauthenticated', { reason: auth.reason, message: mail.messageId, note: 'kept as an unverified note' });
      confirm({ rejected: auth.reason, status: t.status });
      return { outcome: 'rejected', ticketNumber: t.number, messageId: mail.messageId, reason: auth.reason };
    }

    // Commands in the subject are the engineer's only: the request's own subject (the customer's words, in every "Re:") is taken out first.
    const subject = t.subject ? mail.subject.replace(t.subject, ' ') : mail.subject;
    const parsed = parseCommands(subject, ownText(mail.text, [...input.mailbox.addresses, input.mailbox.from_name]), { engineers: this.d.engineers, lines: this.lines });
    const refused = [...parsed.refused];
    const leaked = parsed.body ? internalLine(parsed.body, internalMailText(tx, t.id), this.customerText(tx, t.id)) : null;
    if (leaked) refused.push({ source: leaked, reason: 'this is text of our internal mail to engineers (a quoted notification?), so nothing was sent: write your answer above the quoted mail, without it' });
    if (refused.length > 0) {
      event('command.refused', { refused, message: mail.messageId, auth: auth.method });
      confirm({ refused, status: t.status });
      return { outcome: 'command', ticketNumber: t.number, messageId: mail.messageId, applied: [], refused, relayed: false };
    }
    if (parsed.commands.length === 0 && parsed.body === '') {
      // Nothing of the engineer's own above the quote: nothing goes to the customer, and the engineer is told so.
      event('reply.empty', { message: mail.messageId, auth: auth.method, note: 'no text above the quoted mail and no command: nothing relayed' });
    }

    const update: TicketFields = {};
    let status = t.status as Status;
    let wait: Extract<Command, { name: 'wait' }> | undefined;
    for (const c of parsed.commands) {
      if (c.name === 'status') status = c.status;
      if (c.name === 'wait') {
        status = 'suspended';
        wait = c;
      }
      if (c.name === 'priority') {
        update.priority = c.priority;
        if (this.d.sla && t.plan) update.severity = severityIn(this.d.sla.plans, t.plan, c.priority);
      }
      if (c.name === 'type') update.type = c.type;
      if (c.name === 'assign') update.assignee = c.engineer;
      if (c.name === 'escalate') Object.assign(update, { line: c.line, assignee: null });
      event('command.applied', { command: c.source, message: mail.messageId, auth: auth.method });
    }
    const statusCommand = parsed.commands.some((c) => c.name === 'status' || c.name === 'wait');
    if (!statusCommand && status === 'new' && parsed.body) status = 'in_progress'; // the first answer to the customer
    if (status !== t.status) {
      const reason = wait ? `${wait.why}${wait.comment ? `: ${wait.comment}` : ''}` : statusCommand ? 'command' : 'first reply by an engineer';
      const sla = this.d.sla ? { plans: this.d.sla.plans, by: `${engineer.address}: ${parsed.commands.map((c) => c.source).join(' ') || 'reply'}` } : null;
      changeStatus(tx, { ticketId: t.id, messageId, from: t.status, to: status, at: now, actor: engineer.address, reason, also: update, sla });
    } else {
      amend(tx, { ticketId: t.id, at: now, set: update });
    }
    if (this.d.sla && update.severity && update.severity !== t.severity) recompute(tx, this.d.sla.plans, t.id);
    if ((update.line && update.line !== t.line) || (update.assignee && update.assignee !== t.assignee)) {
      const first = this.firstMail(tx, t.id);
      this.d.notifier.queue(tx, { kind: 'new', ticketId: t.id, mailbox: input.mailbox, mail: first?.mail ?? mail, at: now, files: first?.files });
    }

    const told = status !== t.status && TOLD.includes(status);
    const relayed = !parsed.note && !!t.requesterAddress && (parsed.body !== '' || told);
    if (relayed) {
      const lang = input.mailbox.language;
      const text = this.d.templates.render('relay', lang, {
        body: parsed.body,
        awaiting_info: told && status === 'awaiting_info',
        suspended: told && status === 'suspended',
        resolved: told && status === 'resolved',
        reason: wait?.why ?? '',
        comment: wait?.comment ?? '',
        supportName: input.mailbox.from_name,
        number: t.number,
      });
      const thread = threadWith(tx, t.id, t.requesterAddress!);
      const id = queueMail(tx, {
        from: input.mailbox,
        at: now,
        mail: { ticketId: t.id, kind: 'relay', idHint: t.number, to: t.requesterAddress!, subject: tagSubject(t.subject, t.number, NO_SUBJECT[lang]), text, ...thread },
      });
      event('reply.relayed', { messageId: id, to: t.requesterAddress });
      markReacted(tx, this.d.sla?.plans, t.id, now);
    }
    if (status === 'in_progress') markReacted(tx, this.d.sla?.plans, t.id, now);
    const applied = parsed.commands.map((c) => c.source);
    confirm({ applied, relayed, status });
    return { outcome: 'command', ticketNumber: t.number, messageId: mail.messageId, applied, refused: [], relayed, status };
  }

  /** The request's first message and its attachments: what an engineer it is handed to must see. */
  private firstMail(tx: Tx, ticketId: number) {
    const m = firstInbound(tx, ticketId);
    if (!m) return null;
    return {
      mail: { from: m.fromAddress ? { address: m.fromAddress, name: m.fromName ?? '' } : null, subject: m.subject ?? '', text: m.text ?? '' },
      files: attachmentsOf(tx, m.id),
    };
  }

  /** What others than engineers wrote on the request (the customer's mails), which our notifications quote. */
  private customerText(tx: Tx, ticketId: number): string[] {
    const engineers = new Set(this.d.engineers.map((e) => e.address));
    return inboundTexts(tx, ticketId)
      .filter((m) => !engineers.has(m.from ?? ''))
      .map((m) => m.text ?? '');
  }

  private confirm(tx: Tx, ticketId: number, number: string, engineer: Engineer, mailbox: Prepared['input']['mailbox'], now: Date, data: Record<string, unknown>): void {
    queueMail(tx, {
      from: mailbox,
      at: now,
      mail: {
        ticketId,
        kind: 'confirm',
        idHint: number,
        to: engineer.address, // the configured address, never a Reply-To or Sender of the mail
        subject: `[${number}] ${data.rejected ? '✗' : '✓'}`,
        text: this.d.templates.render('confirm', mailbox.language, { number, rejected: '', applied: [], refused: [], relayed: false, ...data }),
      },
    });
  }
}
