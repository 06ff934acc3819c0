import { eq } from 'drizzle-orm';
import type { Db } from '../db/open';
import { quarantine } from '../db/schema';

/** A message that could not be processed, kept by its raw bytes' hash: a second failure counts a retry. Returns the quarantine id. */
export function holdMessage(
  db: Db,
  o: { rawSha256: string; mailbox: string; messageId: string | null; subject: string; fromAddress: string | null; error: string; receivedAt: Date; at: Date },
): number {
  const at = o.at.toISOString();
  const existing = db.select().from(quarantine).where(eq(quarantine.rawSha256, o.rawSha256)).get();
  if (existing) {
    db.update(quarantine).set({ error: o.error, retries: existing.retries + 1, status: 'held', updatedAt: at }).where(eq(quarantine.id, existing.id)).run();
    return existing.id;
  }
  return db
    .insert(quarantine)
    .values({ mailbox: o.mailbox, rawSha256: o.rawSha256, messageId: o.messageId, subject: o.subject, fromAddress: o.fromAddress, error: o.error, receivedAt: o.receivedAt.toISOString(), createdAt: at, updatedAt: at })
    .returning({ id: quarantine.id })
    .get().id;
}

/** A quarantined message processed again: released with its outcome, or kept with the new error. */
export function retriedQuarantined(db: Db, o: { id: number; retries: number; at: Date } & ({ outcome: unknown } | { error: string })): void {
  const at = o.at.toISOString();
  const set = 'error' in o ? { error: o.error } : { status: 'released' as const, outcome: JSON.stringify(o.outcome) };
  db.update(quarantine).set({ ...set, retries: o.retries, updatedAt: at }).where(eq(quarantine.id, o.id)).run();
}
