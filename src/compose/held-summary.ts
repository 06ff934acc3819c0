import type { ResolvedMailbox } from '../config/load';
import type { RateLimit } from '../config/schema';
import type { Db } from '../db/open';
import { queueMail } from '../requests/mail';
import { heldFor, queuedSince } from '../requests/read-thread';
import { formatLocalTime, type Templates } from './templates';

/** The one mail that tells an engineer their notifications are held: outside the engineer caps, or it could never say so. */
export const SUMMARY_KIND = 'held-summary';

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
      if (queuedSince(tx, { kind: SUMMARY_KIND, to: o.to, since })) return false;
      const held = heldFor(tx, o.to);
      const mb = this.mailboxes.find((m) => m.name === o.mailbox) ?? this.mailboxes[0];
      const { text, html } = this.templates.both(SUMMARY_KIND, mb.language, {
        held,
        max: o.cap.max,
        minutes: o.cap.minutes,
        until: formatLocalTime(o.until, mb.time_zone, mb.language),
        command: 'helpdesk outbox list --held',
      });
      queueMail(tx, { from: mb, at: now, mail: { ticketId: null, kind: SUMMARY_KIND, idHint: 'held', to: o.to, subject: `${SUBJECT[mb.language]}: ${held}`, text, html } });
      return true;
    });
  }
}
