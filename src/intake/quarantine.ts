import { eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { quarantine } from '../db/schema';
import { parseEmail } from '../mail/parse';
import type { BlobStore } from '../storage/blobs';

/** Keeps a message that could not be processed: raw bytes, error, a retry count. Returns the quarantine id. */
export async function hold(db: Db, blobs: BlobStore, clock: Clock, o: { raw: Buffer; mailbox: string; receivedAt: Date; error: Error }): Promise<number> {
  const { sha256 } = await blobs.write(o.raw);
  const mail = await parseEmail(o.raw);
  const at = clock.now().toISOString();
  const existing = db.select().from(quarantine).where(eq(quarantine.rawSha256, sha256)).get();
  if (existing) {
    db.update(quarantine).set({ error: o.error.message, retries: existing.retries + 1, status: 'held', updatedAt: at }).where(eq(quarantine.id, existing.id)).run();
    return existing.id;
  }
  return db
    .insert(quarantine)
    .values({
      mailbox: o.mailbox,
      rawSha256: sha256,
      messageId: mail.messageId,
      subject: mail.subject,
      fromAddress: mail.from?.address ?? null,
      error: o.error.message,
      receivedAt: o.receivedAt.toISOString(),
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: quarantine.id })
    .get().id;
}
