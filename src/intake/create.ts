import { eq } from 'drizzle-orm';
import { tickets } from '../db/schema';
import { composeRegistration } from '../outbox/registration';
import { onStatusChange, startClock, type Assignment, type SlaPolicy } from '../sla/clock';
import type { ParsedEmail } from '../mail/parse';
import type { Notifier } from '../outbox/notify';
import type { Templates } from '../outbox/templates';
import type { Numbering } from '../ticket/numbering';
import { addEvent, insertMessage, insertTicket, nextSeq, type Tx } from '../ticket/store';
import { queueFrom } from '../outbox/queue';
import { inboundRow, type Prepared } from './prepared';
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
  deps: { numbering: Numbering; templates: Templates; notifier: Notifier; sla?: SlaPolicy | null; requiredInfo?: RequiredInfo },
  now: Date,
  assignment: Assignment | null,
  linked?: Link,
): Created {
  const { input, mail } = p;
  const at = now.toISOString();
  const automated = verdictOf(p.verdicts, 'automated');
  const suppressed = automated ? `automated (${automated.reason})` : verdictOf(p.verdicts, 'noReply');

  const scope = deps.numbering.scopeFor(input.receivedAt);
  const seq = nextSeq(tx, scope);
  const number = deps.numbering.format(scope, seq);
  const ticketId = insertTicket(tx, {
    number,
    scope,
    seq,
    mailbox: input.mailbox.name,
    subject: mail.subject,
    requesterAddress: mail.from?.address ?? null,
    requesterName: mail.from?.name || null,
    language: input.mailbox.language,
    line: input.mailbox.line,
    linkedTicketId: linked?.ticketId ?? null,
    createdAt: input.receivedAt.toISOString(),
    updatedAt: at,
  });
  const messageId = insertMessage(tx, inboundRow(p, ticketId, at), p.files);
  const event = (type: string, actor: string, data: unknown) => addEvent(tx, { ticketId, messageId, type, actor, at: now, data });
  event('ticket.created', mail.from?.address ?? 'unknown', { mailbox: input.mailbox.name });
  const a = assignment;
  if (a && deps.sla) {
    tx.update(tickets).set({ plan: a.plan, severity: a.severity, organisation: a.organisation, timeZone: a.timeZone }).where(eq(tickets.id, ticketId)).run();
    startClock(tx, deps.sla.plans, ticketId, input.receivedAt, 'ticket.created');
    event('sla.assigned', 'system', a);
  }
  if (linked) {
    event('ticket.linked', 'system', { previous: linked.number, reason: linked.reason });
    const type = linked.as === 'stranger' ? 'ticket.named_by_stranger' : 'ticket.continued';
    addEvent(tx, { ticketId: linked.ticketId, messageId, type, actor: 'system', at: now, data: { next: number, reason: linked.reason } });
  }
  for (const f of p.files.filter((x) => !x.stored)) event('attachment.skipped', 'system', { filename: f.filename, size: f.size, reason: f.skipReason });
  const missing = automated ? [] : missingInfo(deps.requiredInfo, mail, input.mailbox.language);
  if (missing.length > 0) {
    event('info.missing', 'system', { missing });
    if (deps.requiredInfo?.wait) {
      tx.update(tickets).set({ status: 'awaiting_info' }).where(eq(tickets.id, ticketId)).run();
      event('status.changed', 'system', { from: 'new', to: 'awaiting_info', reason: 'required information missing' });
      if (deps.sla && a) onStatusChange(tx, deps.sla.plans, ticketId, 'new', 'awaiting_info', input.receivedAt, 'required information missing');
    }
  }
  const notified = automated ? 0 : deps.notifier.queue(tx, 'new', ticketId, input.mailbox, mail, now, { files: p.files, strangerTo: linked?.as === 'stranger' ? linked.number : undefined });
  if (suppressed) {
    event('reply.suppressed', 'system', { reason: suppressed });
    return { number, queued: false, notified, suppressed };
  }
  const reply = composeRegistration(deps.templates, input.mailbox, mail, number, input.receivedAt, missing);
  queueFrom(
    tx,
    input.mailbox,
    { ticketId, kind: 'registration', messageId: reply.messageId, to: reply.toAddress, subject: reply.subject, text: reply.text, inReplyTo: reply.inReplyTo, references: reply.references },
    now,
  );
  event('reply.queued', 'system', { kind: 'registration', messageId: reply.messageId });
  return { number, queued: true, notified };
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
