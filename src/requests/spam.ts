import { eq } from 'drizzle-orm';
import type { Db } from '../db/open';
import { spam } from '../db/schema';
import type { Tx } from './tx';

/** Spam kept by its raw bytes' hash, inside intake's transaction: the same mail fetched again is the same row. Returns its id. */
export function keepSpam(
  tx: Tx,
  o: { rawSha256: string; mailbox: string; messageId: string | null; subject: string; fromAddress: string | null; verdict: string; receivedAt: Date; at: Date },
): number {
  const at = o.at.toISOString();
  const existing = tx.select({ id: spam.id }).from(spam).where(eq(spam.rawSha256, o.rawSha256)).get();
  if (existing) return existing.id;
  return tx
    .insert(spam)
    .values({ mailbox: o.mailbox, rawSha256: o.rawSha256, messageId: o.messageId, subject: o.subject, fromAddress: o.fromAddress, verdict: o.verdict, receivedAt: o.receivedAt.toISOString(), createdAt: at, updatedAt: at })
    .returning({ id: spam.id })
    .get().id;
}

/** Spam an admin released, with the outcome of processing it as a normal mail. */
export function releasedSpam(db: Db, o: { id: number; outcome: unknown; by: string; at: Date }): void {
  db.update(spam)
    .set({ status: 'released', outcome: JSON.stringify(o.outcome), releasedBy: o.by, updatedAt: o.at.toISOString() })
    .where(eq(spam.id, o.id))
    .run();
}
