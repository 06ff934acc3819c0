import { SUMMARY_KIND } from '../compose/held-summary';
import type { RateLimit } from '../config/schema';
import type { Db } from '../db/open';

export interface GateOptions {
  perRecipient: readonly RateLimit[];
  global: readonly RateLimit[];
  /** Addresses inside the desk (engineers, escalation): never suppressed, and outside the caps above. */
  internal: readonly string[];
  /** Caps on the notifications each internal address gets (see ENGINEER_NOTICE); none when absent. */
  perEngineer?: readonly RateLimit[];
}

/** Why a mail is held back, and when that cause ends (the worker tries it again then). */
export interface Hold {
  reason: string;
  until: Date;
  /** Set when a per-engineer cap holds it: the engineer is told once per this cap's window. */
  engineerCap?: RateLimit;
}

/** Mail a person wrote (an engineer's answer relayed to the customer): never capped nor suppressed. */
const HUMAN_KINDS = ['relay'];


/**
 * What a flood of customer mail multiplies into engineers' mail: notifications (new request, follow-up,
 * bounce) and confirmations of their commands. SLA notices are not here: one request makes a bounded few.
 */
const ENGINEER_NOTICE = "(kind LIKE 'notify-%' OR kind = 'confirm')";

export function isEngineerNotice(kind: string): boolean {
  return kind.startsWith('notify-') || kind === 'confirm';
}

type GatedRow = { kind: string; toAddress: string; releasedAt?: string | null };

/**
 * Which caps a mail is under: an engineer's notification the engineer caps, other automatic mail to
 * outside addresses the suppressions and the other caps; null for what no gate holds. Two mails of one
 * recipient and one class get the same answer at one moment, so a recipient's chain asks once.
 */
export function gateClass(o: GateOptions, row: GatedRow): 'engineer' | 'outside' | null {
  if (HUMAN_KINDS.includes(row.kind) || row.releasedAt) return null;
  if (o.internal.includes(row.toAddress)) return isEngineerNotice(row.kind) ? 'engineer' : null;
  return 'outside';
}

/** Automatic mail sent since a time (the caps count these). */
const SENT_AUTOMATIC = `status = 'sent' AND sent_at IS NOT NULL AND sent_at >= ? AND kind NOT IN (${HUMAN_KINDS.map(() => '?').join(', ')})`;
const SENT_SINCE = "status = 'sent' AND sent_at IS NOT NULL AND sent_at >= ?";

/**
 * Decides, just before sending, whether an automatic mail must be held back:
 * an outside address bounced and is suppressed, or a per-recipient, global or
 * (for mail to engineers) per-engineer cap on sent mail is reached. Returns
 * the reason and when it ends, or null to send. A row an admin released goes
 * past all of it. It runs before every mail, so its statements are written
 * once here rather than built by drizzle each time (that building was nine
 * tenths of its cost).
 */
export function holdReason(db: Db, o: GateOptions, row: GatedRow, now: Date): Hold | null {
  const gated = gateClass(o, row);
  if (!gated) return null;
  const sql = db.$client;
  const since = (l: RateLimit) => new Date(now.getTime() - l.minutes * 60_000).toISOString();
  /**
   * When the window lets one more through: the sent mail that must leave it has left (n - max of them,
   * oldest first). A mail sent at t counts while t >= now - window, so it has left a millisecond after t + window.
   */
  const windowEnds = (l: RateLimit, n: number, where: string, params: unknown[]): Date => {
    const oldest = l.max === 0 ? undefined : (sql.prepare(`SELECT sent_at AS at FROM outbox WHERE ${where} ORDER BY sent_at LIMIT 1 OFFSET ?`).get(...params, n - l.max) as { at: string } | undefined);
    return new Date((oldest ? Date.parse(oldest.at) : now.getTime()) + l.minutes * 60_000 + 1);
  };
  if (gated === 'engineer') {
    for (const l of o.perEngineer ?? []) {
      const where = `to_address = ? AND ${SENT_SINCE} AND ${ENGINEER_NOTICE}`;
      const params = [row.toAddress, since(l)];
      const { n } = sql.prepare(`SELECT count(*) AS n FROM outbox WHERE ${where}`).get(...params) as { n: number };
      if (n >= l.max) return { reason: `engineer cap: ${n} notifications to ${row.toAddress} in ${l.minutes} min (max ${l.max})`, until: windowEnds(l, n, where, params), engineerCap: l };
    }
    return null;
  }
  const s = sql.prepare('SELECT until, reason FROM suppressions WHERE address = ? AND until > ?').get(row.toAddress, now.toISOString()) as { until: string; reason: string } | undefined;
  if (s) return { reason: `suppressed until ${s.until} (${s.reason})`, until: new Date(s.until) };
  for (const l of o.perRecipient) {
    const where = `to_address = ? AND ${SENT_AUTOMATIC}`;
    const params = [row.toAddress, since(l), ...HUMAN_KINDS];
    const { n } = sql.prepare(`SELECT count(*) AS n FROM outbox WHERE ${where}`).get(...params) as { n: number };
    if (n >= l.max) return { reason: `rate cap: ${n} automatic mails to ${row.toAddress} in ${l.minutes} min (max ${l.max})`, until: windowEnds(l, n, where, params) };
  }
  const inside = [...o.internal, ''];
  for (const l of o.global) {
    const where = `${SENT_AUTOMATIC} AND to_address NOT IN (${inside.map(() => '?').join(', ')})`;
    const params = [since(l), ...HUMAN_KINDS, ...inside];
    const { n } = sql.prepare(`SELECT count(*) AS n FROM outbox WHERE ${where}`).get(...params) as { n: number };
    if (n >= l.max) return { reason: `global rate cap: ${n} automatic mails in ${l.minutes} min (max ${l.max})`, until: windowEnds(l, n, where, params) };
  }
  return null;
}
