import { vouchedSender } from '../auth/sender-claim';
import { composeRegistration } from '../compose/registration';
import type { Notifier } from '../compose/notify';
import { ccOf, type Copies } from '../compose/recipients';
import type { Templates } from '../compose/templates';
import type { ParsedEmail } from '../mail/parse';
import { noteSkippedFiles } from '../requests/inbound';
import { queueMail } from '../requests/mail';
import { open } from '../requests/open';
import { addEvent } from '../requests/sqlite';
import { changeStatus } from '../requests/status';
import type { Tx } from '../requests/tx';
import type { Assignment, SlaPolicy } from '../sla/policy';
import type { Numbering } from '../ticket/numbering';
import { continueParticipants, takeParticipants, type Take } from './participants';
import { inboundRow, type Prepared } from './prepared';
import type { Roles } from './roles';
import { verdictOf } from './types';

/**
 * The request a new one is linked to: continued (a reply after the reopen
 * window, or to a closed request), or named by a sender who is not on it (it
 * is linked for the engineers; the sender is told nothing of it).
 */
export interface Link {
  ticketId: number;
  number: string;
  reason: string;
  as: 'continuation' | 'stranger';
}

export interface Created {
  ticketId: number;
  number: string;
  /** The registration reply was queued. */
  queued: boolean;
  /** Engineers notified. */
  notified: number;
  suppressed?: string;
}

/**
 * A new request, inside the caller's transaction: the next number, the
 * request, its first message and attachments, events, and the registration
 * reply in the outbox (unless the sender must not be answered).
 */
export function createRequest(
  tx: Tx,
  p: Prepared,
  deps: { numbering: Numbering; templates: Templates; notifier: Notifier; sla?: SlaPolicy | null; requiredInfo?: RequiredInfo; participants?: Take; copies?: Copies; trustedAuthservId?: string },
  o: { now: Date; roles: Roles; assignment: Assignment | null; linked?: Link; forward?: OnBehalf },
): Created {
  const { input, mail } = p;
  const { now, assignment: a, linked, forward } = o;
  const automated = verdictOf(p.verdicts, 'automated');
  const silent = forward && !forward.notify ? 'forwarded by an engineer without #notify' : undefined;
  const suppressed = automated ? `automated (${automated.reason})` : (verdictOf(p.verdicts, 'noReply') ?? silent);
  // The customer's mail dates from its own Date (its message row, the registration reply); the request, its number and SLA clock from our receiving it.
  const customerAt = forward?.customerAt ?? input.receivedAt;
  const sla = a && deps.sla ? { assignment: a, plans: deps.sla.plans } : null;
  const { ticketId, number, messageId } = open(tx, {
    numbering: deps.numbering,
    receivedAt: input.receivedAt,
    at: now,
    ticket: {
      mailbox: input.mailbox.name,
      subject: mail.subject,
      requesterAddress: mail.from?.address ?? null,
      requesterName: mail.from?.name || null,
      language: input.mailbox.language,
      line: input.mailbox.line,
      linkedTicketId: linked?.ticketId ?? null,
      createdAt: input.receivedAt.toISOString(), // the SLA clock's start (ledger, sweep and report read it): never before we had the mail
      updatedAt: now.toISOString(),
    },
    message: inboundRow(p, null, now.toISOString()),
    files: p.files,
    event: { type: 'ticket.created', actor: forward?.by ?? mail.from?.address ?? 'unknown', data: { mailbox: input.mailbox.name, ...(forward ? { forwardedBy: forward.by, requester: mail.from?.address } : {}) } },
    sla,
  });
  const event = (type: string, data: unknown) => addEvent(tx, { ticketId, messageId, type, actor: 'system', at: now, data });
  if (linked) {
    event('ticket.linked', { previous: linked.number, reason: linked.reason });
    const type = linked.as === 'stranger' ? 'ticket.named_by_stranger' : 'ticket.continued';
    addEvent(tx, { ticketId: linked.ticketId, messageId, type, actor: 'system', at: now, data: { next: number, reason: linked.reason } });
  }
  noteSkippedFiles(tx, { ticketId, messageId, files: p.files, at: now });
  if (linked?.as === 'continuation') continueParticipants(tx, { ticketId, messageId, from: linked.ticketId, requester: mail.from?.address ?? null, at: now });
  else if (!automated) takeParticipants(tx, { ticketId, messageId, mail, at: now, roles: o.roles, take: deps.participants, vouched: vouchedSender(mail, deps.trustedAuthservId) });
  const missing = automated ? [] : missingInfo(deps.requiredInfo, mail, input.mailbox.language);
  if (missing.length > 0) {
    event('info.missing', { missing });
    if (deps.requiredInfo?.wait) {
      const reason = 'required information missing';
      changeStatus(tx, { ticketId, messageId, from: 'new', to: 'awaiting_info', at: now, actor: 'system', reason, sla: sla && { plans: sla.plans, by: reason, at: input.receivedAt } });
    }
  }
  const notified = automated ? 0 : deps.notifier.queue(tx, { kind: 'new', ticketId, mailbox: input.mailbox, mail, at: now, files: p.files, strangerTo: linked?.as === 'stranger' ? linked.number : undefined });
  if (suppressed) {
    event('reply.suppressed', { reason: suppressed });
    return { ticketId, number, queued: false, notified, suppressed };
  }
  const cc = ccOf(tx, ticketId, mail.from?.address ?? null, deps.copies);
  const reply = composeRegistration({ templates: deps.templates, mailbox: input.mailbox, mail, ticketId, number, receivedAt: customerAt, missing, cc });
  const replyId = queueMail(tx, { from: input.mailbox, mail: reply, at: now });
  event('reply.queued', { kind: 'registration', messageId: replyId });
  return { ticketId, number, queued: true, notified };
}

/** A request an engineer opens for a customer by forwarding their mail. */
export interface OnBehalf {
  /** The engineer: the actor of `ticket.created`. */
  by: string;
  /** The original's date, when it is before our receiving the forward. */
  customerAt: Date;
  /** The customer gets the registration reply (`#notify`); else it is suppressed. */
  notify: boolean;
}

export interface RequiredInfo {
  items: readonly { name: string; label: { ru: string; en: string }; pattern: string }[];
  wait: boolean;
}

/** The labels of the required items the mail does not contain. */
export function missingInfo(required: RequiredInfo | undefined, mail: Pick<ParsedEmail, 'subject' | 'text'>, lang: 'ru' | 'en'): string[] {
  const haystack = `${mail.subject}\n${mail.text}`;
  return (required?.items ?? []).filter((i) => !new RegExp(i.pattern, 'iu').test(haystack)).map((i) => i.label[lang]);
}
