import { and, count, eq, gte } from 'drizzle-orm';
import type { ResolvedMailbox } from '../config/load';
import type { Db } from '../db/open';
import { outbox } from '../db/schema';
import { SUMMARY_KIND, type RateLimit } from './gate';
import { queueFrom } from './queue';
import { formatLocalTime, type Templates } from './templates';

const SUBJECT = { ru: 'Уведомления задержаны', en: 'Notifications held back' } as const;

/**
 * The one mail that tells an engineer a cap is holding their notifications
 * back (how many, when they go out, how to see them), so that a flood is
 * noticed without being forwarded: at most one per engineer per cap window.
 */
export class HeldSummary {
  constructor(
    private readonly templates: Templates,
    private readonly mailboxes: readonly ResolvedMailbox[],
  ) {}

  /** Queues the summary to `to` unless one was queued within the cap's window; returns whether it did. */
  queue(db: Db, o: { to: string; mailbox: string; cap: RateLimit; until: Date }, now: Date): boolean {
    const since = new Date(now.getTime() - o.cap.minutes * 60_000).toISOString();
    return db.transaction((tx) => {
      const recent = tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.kind, SUMMARY_KIND), eq(outbox.toAddress, o.to), gte(outbox.createdAt, since)))
        .get();
      if (recent) return false;
      const [{ held }] = tx.select({ held: count() }).from(outbox).where(and(eq(outbox.status, 'held'), eq(outbox.toAddress, o.to))).all();
      const mb = this.mailboxes.find((m) => m.name === o.mailbox) ?? this.mailboxes[0];
      const text = this.templates.render(SUMMARY_KIND, mb.language, {
        held,
        max: o.cap.max,
        minutes: o.cap.minutes,
        until: formatLocalTime(o.until, mb.time_zone, mb.language),
        command: 'helpdesk outbox list --held',
      });
      queueFrom(tx, mb, { ticketId: null, kind: SUMMARY_KIND, idHint: 'held', to: o.to, subject: `${SUBJECT[mb.language]}: ${held}`, text }, now);
      return true;
    });
  }
}
