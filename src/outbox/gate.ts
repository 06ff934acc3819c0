import { and, count, eq, gt, gte, isNotNull, notInArray } from 'drizzle-orm';
import type { Db } from '../db/open';
import { outbox, suppressions } from '../db/schema';

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

/**
 * Decides, just before sending, whether an automatic mail to an outside
 * address must be held back: the address bounced and is suppressed, or a
 * per-recipient or global cap on sent automatic mail is reached. Returns the
 * reason, or null to send.
 */
export function holdReason(db: Db, o: GateOptions, row: { kind: string; toAddress: string }, now: Date): string | null {
  if (HUMAN_KINDS.includes(row.kind) || o.internal.includes(row.toAddress)) return null;
  const at = now.toISOString();
  const s = db.select().from(suppressions).where(and(eq(suppressions.address, row.toAddress), gt(suppressions.until, at))).get();
  if (s) return `suppressed until ${s.until} (${s.reason})`;
  const automatic = and(eq(outbox.status, 'sent'), notInArray(outbox.kind, HUMAN_KINDS), isNotNull(outbox.sentAt));
  for (const l of o.perRecipient) {
    const since = new Date(now.getTime() - l.minutes * 60_000).toISOString();
    const n = db.select({ n: count() }).from(outbox).where(and(eq(outbox.toAddress, row.toAddress), gte(outbox.sentAt, since), automatic)).get()!.n;
    if (n >= l.max) return `rate cap: ${n} automatic mails to ${row.toAddress} in ${l.minutes} min (max ${l.max})`;
  }
  for (const l of o.global) {
    const since = new Date(now.getTime() - l.minutes * 60_000).toISOString();
    const n = db
      .select({ n: count() })
      .from(outbox)
      .where(and(gte(outbox.sentAt, since), automatic, notInArray(outbox.toAddress, [...o.internal, ''])))
      .get()!.n;
    if (n >= l.max) return `global rate cap: ${n} automatic mails in ${l.minutes} min (max ${l.max})`;
  }
  return null;
}
