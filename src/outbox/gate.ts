import type { Db } from '../db/open';

export interface RateLimit {
  minutes: number;
  max: number;
}

export interface GateOptions {
  perRecipient: readonly RateLimit[];
  global: readonly RateLimit[];
  /** Addresses inside the desk (engineers, escalation): never capped. */
  internal: readonly string[];
}

/** Mail a person wrote (an engineer's answer relayed to the customer): never capped nor suppressed. */
const HUMAN_KINDS = ['relay'];

/** Automatic mail sent since a time (the caps count these). */
const SENT_AUTOMATIC = `status = 'sent' AND sent_at IS NOT NULL AND sent_at >= ? AND kind NOT IN (${HUMAN_KINDS.map(() => '?').join(', ')})`;

/**
 * Decides, just before sending, whether an automatic mail to an outside
 * address must be held back: the address bounced and is suppressed, or a
 * per-recipient or global cap on sent automatic mail is reached. Returns the
 * reason, or null to send. It runs before every mail, so its statements are
 * written once here rather than built by drizzle each time (that building was
 * nine tenths of its cost).
 */
export function holdReason(db: Db, o: GateOptions, row: { kind: string; toAddress: string }, now: Date): string | null {
  if (HUMAN_KINDS.includes(row.kind) || o.internal.includes(row.toAddress)) return null;
  const sql = db.$client;
  const s = sql.prepare('SELECT until, reason FROM suppressions WHERE address = ? AND until > ?').get(row.toAddress, now.toISOString()) as { until: string; reason: string } | undefined;
  if (s) return `suppressed until ${s.until} (${s.reason})`;
  const since = (l: RateLimit) => new Date(now.getTime() - l.minutes * 60_000).toISOString();
  for (const l of o.perRecipient) {
    const { n } = sql.prepare(`SELECT count(*) AS n FROM outbox WHERE to_address = ? AND ${SENT_AUTOMATIC}`).get(row.toAddress, since(l), ...HUMAN_KINDS) as { n: number };
    if (n >= l.max) return `rate cap: ${n} automatic mails to ${row.toAddress} in ${l.minutes} min (max ${l.max})`;
  }
  const inside = [...o.internal, ''];
  for (const l of o.global) {
    const { n } = sql
      .prepare(`SELECT count(*) AS n FROM outbox WHERE ${SENT_AUTOMATIC} AND to_address NOT IN (${inside.map(() => '?').join(', ')})`)
      .get(since(l), ...HUMAN_KINDS, ...inside) as { n: number };
    if (n >= l.max) return `global rate cap: ${n} automatic mails in ${l.minutes} min (max ${l.max})`;
  }
  return null;
}
