import type { Notifier } from '../compose/notify';
import type { Engineer } from '../compose/recipients';
import type { ResolvedMailbox } from '../config/load';
import { addEvent, eventAboutSince } from '../requests/sqlite';
import type { Tx } from '../requests/tx';

/**
 * A bounce of our mail to someone inside the desk (an engineer, or one of
 * our own addresses). Answering it with mail to engineers is how a loop
 * starts: the notice bounces in turn. So it is told at most once per failed
 * address per period, and only to the rest of that address's line.
 */

/** Without a suppression period the notice is still limited: once a day. */
const FALLBACK_HOURS = 24;

/**
 * Tells the rest of the failed address's line, unless they were told about
 * that address within the period. Returns how many mails were queued.
 */
export function tellLineOnce(
  tx: Tx,
  o: { notifier: Notifier; mailbox: ResolvedMailbox; ticketId: number; messageId: number; address: string; failed: ReadonlySet<string>; periodHours: number; lines: string },
  mail: { from: { address: string; name: string } | null; subject: string },
  now: Date,
): number {
  const hours = o.periodHours > 0 ? o.periodHours : FALLBACK_HOURS;
  const since = new Date(now.getTime() - hours * 3_600_000).toISOString();
  if (eventAboutSince(tx, { type: 'bounce.internal.told', address: o.address, since })) return 0;
  const line = o.notifier.engineers.find((e) => e.address.toLowerCase() === o.address)?.line ?? o.mailbox.line;
  // Never the failed address itself, nor any other address that failed in this bounce.
  const to: Engineer[] = o.notifier.engineers.filter((e) => e.line === line && !o.failed.has(e.address.toLowerCase()));
  if (to.length === 0) return 0;
  const n = o.notifier.queue(tx, { kind: 'bounce', ticketId: o.ticketId, mailbox: o.mailbox, mail: { from: mail.from, subject: mail.subject, text: o.lines }, at: now, to });
  addEvent(tx, { ticketId: o.ticketId, messageId: o.messageId, type: 'bounce.internal.told', actor: 'system', at: now, data: { address: o.address, engineers: to.map((e) => e.address) } });
  return n;
}
