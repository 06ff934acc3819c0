import { eq, sql } from 'drizzle-orm';
import { outbox, suppressions, tickets } from '../db/schema';
import type { Notifier } from '../outbox/notify';
import { addEvent, insertMessage, type Tx } from '../ticket/store';
import { inboundRow, type Prepared } from './prepared';
import type { BounceOf, Outcome } from './types';

/**
 * A bounce, inside the caller's transaction: kept on the request of the mail
 * it returns as a delivery failure (or kept alone when it returns none of
 * ours), the returned outbox row marked bounced, the responsible engineer
 * told, and each address that failed for good suppressed for automatic mail.
 */
export function deliveryFailure(
  tx: Tx,
  p: Prepared,
  b: BounceOf,
  now: Date,
  deps: { notifier: Notifier; suppressHours: number },
): { outcome: Extract<Outcome, { outcome: 'bounced' }>; notified: number } {
  const at = now.toISOString();
  const messageId = insertMessage(tx, inboundRow(p, b.ticketId, at), p.files);
  const failures = b.recipients.map((r) => ({ address: r.address, status: r.status, diagnostic: r.diagnostic, permanent: r.permanent }));
  addEvent(tx, { ticketId: b.ticketId, messageId, type: 'delivery.failed', actor: p.mail.from?.address ?? 'mailer-daemon', at: now, data: { returned: b.returnedMessageId, failures } });
  if (b.outboxId) {
    const summary = failures.map((f) => `${f.address}: ${f.status ?? 'failed'}${f.diagnostic ? ` ${f.diagnostic}` : ''}`).join('; ');
    tx.update(outbox).set({ status: 'bounced', lastError: summary.slice(0, 1000) }).where(eq(outbox.id, b.outboxId)).run();
  }
  const suppressed: string[] = [];
  if (deps.suppressHours > 0) {
    const until = new Date(now.getTime() + deps.suppressHours * 3_600_000).toISOString();
    for (const f of failures.filter((x) => x.permanent)) {
      // Only addresses we wrote to: a forged bounce must not silence a stranger.
      const wrote = tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.toAddress, f.address)).limit(1).get();
      if (!wrote) continue;
      tx.insert(suppressions)
        .values({ address: f.address, until, reason: `bounced: ${f.status ?? 'permanent failure'}`, ticketId: b.ticketId, createdAt: at })
        .onConflictDoUpdate({ target: suppressions.address, set: { until, reason: sql`excluded.reason`, ticketId: sql`excluded.ticket_id` } })
        .run();
      addEvent(tx, { ticketId: b.ticketId, messageId, type: 'address.suppressed', actor: 'system', at: now, data: { address: f.address, until } });
      suppressed.push(f.address);
    }
  }
  let notified = 0;
  if (b.ticketId) {
    tx.update(tickets).set({ updatedAt: at }).where(eq(tickets.id, b.ticketId)).run();
    const lines = failures.map((f) => `${f.address}: ${f.status ?? '?'}${f.diagnostic ? ` (${f.diagnostic})` : ''}`).join('\n');
    notified = deps.notifier.queue(tx, 'bounce', b.ticketId, p.input.mailbox, { from: p.mail.from, subject: p.mail.subject, text: lines }, now);
  }
  return {
    outcome: { outcome: 'bounced', ticketNumber: b.number, messageId: p.mail.messageId, recipients: failures.map((f) => f.address), suppressed },
    notified,
  };
}

/** Our own mail come back with no request to join: kept (never lost), never answered. */
export function loopBack(tx: Tx, p: Prepared, reason: string, now: Date): Extract<Outcome, { outcome: 'ignored' }> {
  const messageId = insertMessage(tx, inboundRow(p, null, now.toISOString()), p.files);
  addEvent(tx, { ticketId: null, messageId, type: 'loop.detected', actor: 'system', at: now, data: { reason } });
  return { outcome: 'ignored', reason: 'loop', ticketNumber: null, messageId: p.mail.messageId };
}
