import { eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { quarantine } from '../db/schema';
import { parseEmail } from '../mail/parse';
import type { BlobStore } from '../storage/blobs';

/**
 * Errors that pass: the disk is full, the database is busy, a file system
 * hiccup. The message stays in the mailbox untouched and is tried again.
 * Anything else is about the message (or a bug it triggers): it goes to
 * quarantine instead of blocking the mailbox.
 */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return /^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_FULL|SQLITE_IOERR|SQLITE_CANTOPEN|ENOSPC|EIO|EMFILE|ENFILE|EAGAIN|EDQUOT)/.test(code);
}

/** Keeps a message that could not be processed: raw bytes, error, a retry count. Returns the quarantine id. */
export async function hold(db: Db, blobs: BlobStore, clock: Clock, o: { raw: Buffer; mailbox: string; receivedAt: Date; error: Error }): Promise<number> {
  const { sha256 } = blobs.put(o.raw);
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
