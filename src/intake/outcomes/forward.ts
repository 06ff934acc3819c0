import { isNoReplyAddress } from '../../mail/automated';
import type { ParsedEmail } from '../../mail/parse';
import { statusOf, storedByMessageId, ticketByNumber } from '../../requests/read';
import type { Tx } from '../../requests/tx';
import { assign } from '../../sla/policy';
import { createRequest } from '../create';
import { keepInbound, type Prepared } from '../prepared';
import type { Verdict } from '../types';
import { confirm } from './command/reply';
import type { Routed } from './customer';
import type { Env, Seen } from './seen';

/**
 * The `created` outcome of an engineer's proven forward: a request for the
 * original sender, its first message the original (its From, Date, Subject,
 * text and attachments), opened by the engineer (the actor of
 * `ticket.created`); the forward itself is kept on it as the engineer's
 * message (`ticket.forwarded`). The original sender gets the registration
 * reply only with `#notify`; the engineer always gets a confirmation. No
 * open-request limit or unknown-sender refusal: an engineer of the desk
 * chose to open it.
 */
export function forwardedRequest(tx: Tx, p: Prepared, s: Seen, now: Date, { deps, roles }: Env): Routed {
  const v = s.forward!;
  const o = p.forward!.original;
  const from = o.from!;
  const mail: ParsedEmail = {
    messageId: o.messageId,
    inReplyTo: o.inReplyTo,
    references: o.references,
    from,
    replyTo: [],
    to: o.to,
    cc: o.cc,
    subject: o.subject,
    date: o.date,
    text: o.text,
    attachments: [],
    headers: new Map(),
    parseError: null,
    cut: [],
  };
  const customer = `${from.name ? `${from.name} ` : ''}<${from.address}>`;
  const confirmTo = (t: { id: number; number: string }, forwarded: Record<string, unknown>) =>
    confirm(tx, { t, engineer: { address: v.engineer }, mailbox: p.input.mailbox, now, templates: deps.templates, notifier: deps.notifier }, { forwarded: { customer, known: '', suppressed: '', ...forwarded }, status: statusOf(tx, t.id).status });
  const data = { requester: from.address, proof: v.method, form: v.form, client: v.client, notify: v.notify, originalDate: o.date?.toISOString() ?? null, slaFrom: p.input.receivedAt.toISOString() };
  // The customer's mail itself reached us before (they wrote to the desk too, or Cc'd it): its request is the one, the forward is kept on it.
  const stored = o.messageId ? storedByMessageId(tx, o.messageId).find((r) => r.from === from.address && r.ticketNumber) : undefined;
  const known = stored ? ticketByNumber(tx, stored.ticketNumber!) : null;
  if (known) {
    keepInbound(tx, p, { ticketId: known.id, at: now, event: { type: 'ticket.forwarded', actor: v.engineer, data: { ...data, already: known.number } } });
    confirmTo(known, { known: known.number, notified: false });
    return { outcome: { outcome: 'ignored', reason: 'duplicate', ticketNumber: known.number, messageId: p.mail.messageId }, notified: 0 };
  }
  const verdicts: Verdict[] = [{ filter: 'forward', forwardOf: v }];
  if (isNoReplyAddress(from.address)) verdicts.push({ filter: 'forward', noReply: `no-reply address ${from.address}` });
  // The original's row: a dedup key of its own, derived from the forward's (which the forward's row keeps).
  const original: Prepared = { ...p, mail, files: p.forward!.files, verdicts, dedupKey: `fwd:${p.dedupKey}` };
  // Two times: the customer's (the original's Date: its message row and the registration reply's "received"), and the
  // desk's (our receiving the forward: the request's created_at, its number's year and its SLA clock). The desk could not
  // work on the mail before the engineer forwarded it, so its clock does not start earlier: a week-old mail is not born
  // breached, and a Date in the future (anyone's claim) moves nothing.
  const arrived = p.input.receivedAt;
  const customerAt = o.date && o.date.getTime() < arrived.getTime() ? o.date : arrived;
  const assignment = deps.sla ? assign(deps.sla, from.address, o.subject, o.text) : null;
  const c = createRequest(tx, original, deps, { now, roles, assignment, forward: { by: v.engineer, customerAt, notify: v.notify } });
  keepInbound(tx, p, { ticketId: c.ticketId, at: now, event: { type: 'ticket.forwarded', actor: v.engineer, data } });
  confirmTo({ id: c.ticketId, number: c.number }, { notified: c.queued, suppressed: c.suppressed ?? '' });
  return {
    outcome: { outcome: 'created', ticketNumber: c.number, messageId: p.mail.messageId, replyQueued: c.queued, ...(c.suppressed ? { replySuppressed: c.suppressed } : {}), forwardedBy: v.engineer },
    notified: c.notified,
  };
}
