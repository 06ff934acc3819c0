import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { parseEmail } from '../mail/parse';
import { holdMessage } from '../requests/quarantine';
import type { BlobStore } from '../storage/blobs';

/** Keeps a message that could not be processed: raw bytes, error, a retry count. Returns the quarantine id. */
export async function hold(db: Db, blobs: BlobStore, clock: Clock, o: { raw: Buffer; mailbox: string; receivedAt: Date; error: Error }): Promise<number> {
  const { sha256 } = await blobs.write(o.raw);
  const mail = await parseEmail(o.raw);
  return holdMessage(db, {
    rawSha256: sha256,
    mailbox: o.mailbox,
    messageId: mail.messageId,
    subject: mail.subject,
    fromAddress: mail.from?.address ?? null,
    error: o.error.message,
    receivedAt: o.receivedAt,
    at: clock.now(),
  });
}
