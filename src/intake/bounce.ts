import type { Notifier } from '../compose/notify';
import { markBounced, suppress } from '../requests/mail';
import { addEvent } from '../requests/sqlite';
import type { Tx } from '../requests/tx';
import { tellLineOnce } from './bounce-internal';
import { keepInbound, type Prepared } from './prepared';
import type { BounceOf, Outcome } from './types';

/**
 * A bounce, inside the caller's transaction, kept as a delivery failure.
 * What it may change depends on its proof (the filter's outboxId: it returns
 * our mail to an address it says failed): with it, the returned outbox row
 * is marked bounced, the responsible engineer told, and the proven address
 * suppressed for automatic mail if it does not exist (a hard failure).
 * Without it, it is only recorded. A bounce of our mail to an engineer or to
 * one of our own addresses queues no mail to engineers except one notice to
 * the rest of the line per failed address and period (else it loops).
 */
export function deliveryFailure(
  tx: Tx,
  p: Prepared,
  b: BounceOf,
  now: Date,
  deps: { notifier: Notifier; suppressHours: number; /** An engineer's address or one of ours. */ inside: (address: string) => boolean },
): { outcome: Extract<Outcome, { outcome: 'bounced' }>; notified: number; internal: string[] } {
  const mailbox = p.input.mailbox;
  const provenTo = b.outboxId ? b.returnedTo : null;
  const returnedTo = b.returnedTo;
  const failures = b.recipients.map((r) => ({ address: r.address, status: r.status, diagnostic: r.diagnostic, permanent: r.permanent, reason: r.reason, hard: r.hard, proven: r.address === provenTo }));
  const inside = deps.inside;
  const internal = [...new Set([returnedTo, ...failures.map((f) => f.address)].filter((a): a is string => !!a && inside(a)))];
  const messageId = keepInbound(tx, p, {
    ticketId: b.ticketId,
    at: now,
    event: { type: 'delivery.failed', actor: p.mail.from?.address ?? 'mailer-daemon', data: { returned: b.returnedMessageId, proven: !!provenTo, failures } },
  });
  if (provenTo) {
    const summary = failures.map((f) => `${f.address}: ${f.status ?? 'failed'} ${f.reason}${f.diagnostic ? ` ${f.diagnostic}` : ''}`).join('; ');
    markBounced(tx, { outboxId: b.outboxId!, error: summary, ticketId: b.ticketId, at: now });
  }
  const suppressed: string[] = [];
  if (deps.suppressHours > 0) {
    const until = new Date(now.getTime() + deps.suppressHours * 3_600_000).toISOString();
    // Only the address the returned mail went to, only when it does not exist; our own are never suppressed (the gate exempts them anyway).
    for (const f of failures.filter((x) => x.proven && x.hard && !inside(x.address))) {
      suppress(tx, { address: f.address, until, reason: `bounced: ${f.status ?? 'permanent failure'} ${f.reason}`, ticketId: b.ticketId, at: now });
      addEvent(tx, { ticketId: b.ticketId, messageId, type: 'address.suppressed', actor: 'system', at: now, data: { address: f.address, until, reason: f.reason } });
      suppressed.push(f.address);
    }
  }
  const lines = failures.map((f) => `${f.address}: ${f.status ?? '?'} ${f.reason}${f.diagnostic ? ` (${f.diagnostic})` : ''}`).join('\n');
  let notified = 0;
  if (internal.length > 0) {
    addEvent(tx, { ticketId: b.ticketId, messageId, type: 'bounce.internal', actor: 'system', at: now, data: { addresses: internal, returned: b.returnedMessageId, proven: !!provenTo } });
    if (provenTo && b.ticketId && inside(provenTo)) {
      notified = tellLineOnce(tx, { notifier: deps.notifier, mailbox, ticketId: b.ticketId, messageId, address: provenTo, failed: new Set(internal), periodHours: deps.suppressHours, lines }, p.mail, now);
    }
  } else if (provenTo && b.ticketId) {
    notified = deps.notifier.queue(tx, { kind: 'bounce', ticketId: b.ticketId, mailbox, mail: { from: p.mail.from, subject: p.mail.subject, text: lines }, at: now });
  }
  return {
    outcome: { outcome: 'bounced', ticketNumber: b.number, messageId: p.mail.messageId, recipients: failures.map((f) => f.address), suppressed },
    notified,
    internal,
  };
}
