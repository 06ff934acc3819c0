import type { Templates } from '../compose/templates';
import { openRequestsOf } from '../requests/read';
import type { Tx } from '../requests/tx';
import type { Assignment, SlaPolicy } from '../sla/policy';
import { queueAnswer } from './answer';
import { keepInbound, type Prepared } from './prepared';
import type { Outcome } from './types';

/**
 * The plan's limit of requests open at once (Basic and Standard: 1). A mail
 * beyond it is kept, not registered, and its sender is told which request is
 * open and how to go on. Returns null when the limit allows a new request.
 */
export function overLimit(tx: Tx, p: Prepared, a: Assignment, policy: SlaPolicy, templates: Templates, now: Date, mayAnswer: boolean): Outcome | null {
  const max = policy.plans.maxOpen(a.plan);
  const from = p.mail.from?.address;
  if (max === null || !from) return null;
  const open = openRequestsOf(tx, { organisation: a.organisation, requester: from });
  if (open.length < max) return null;
  const mailbox = p.input.mailbox;
  const numbers = open.map((o) => o.number);
  keepInbound(tx, p, { ticketId: null, at: now, event: { type: 'request.limit', actor: from, data: { plan: a.plan, max, open: numbers } } });
  if (mayAnswer) {
    const { text, html } = templates.both('limit', mailbox.language, {
      subject: p.mail.subject,
      plan: a.plan,
      max,
      open: open.map((o) => `${o.number} (${o.subject})`).join(', '),
      supportName: mailbox.from_name,
    }, mailbox.signature);
    queueAnswer(tx, p, { kind: 'limit', to: from, subject: `Re: ${p.mail.subject || '-'}`, text, html, idHint: 'limit' }, now);
  }
  return { outcome: 'rejected', ticketNumber: numbers[0], messageId: p.mail.messageId, reason: `plan ${a.plan} allows ${max} open request(s); open: ${numbers.join(', ')}` };
}

/**
 * With `requests.unknown_senders: refuse`, a sender of no organisation gets an
 * explanation instead of a request; the mail is kept.
 */
export function refusedSender(tx: Tx, p: Prepared, templates: Templates, now: Date, mayAnswer: boolean): Outcome {
  const mailbox = p.input.mailbox;
  const from = p.mail.from?.address ?? 'unknown';
  keepInbound(tx, p, { ticketId: null, at: now, event: { type: 'request.refused', actor: from, data: { reason: 'unknown sender' } } });
  if (mayAnswer && p.mail.from) {
    const { text, html } = templates.both('unknown-sender', mailbox.language, { subject: p.mail.subject, address: from, supportName: mailbox.from_name }, mailbox.signature);
    queueAnswer(tx, p, { kind: 'unknown-sender', to: from, subject: `Re: ${p.mail.subject || '-'}`, text, html, idHint: 'refused' }, now);
  }
  return { outcome: 'rejected', ticketNumber: null, messageId: p.mail.messageId, reason: `${from} belongs to no organisation (requests.unknown_senders: refuse)` };
}
