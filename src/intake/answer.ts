import { queueFrom } from '../outbox/queue';
import type { Tx } from '../ticket/store';
import type { Prepared } from './prepared';

/** Queues an automatic answer to the sender of this mail, threaded under it, from the mailbox's support address. */
export function queueAnswer(tx: Tx, p: Prepared, a: { kind: string; to: string; subject: string; text: string; ticketId?: number | null; idHint: string }, now: Date): void {
  const id = p.mail.messageId;
  queueFrom(tx, p.input.mailbox, { ...a, ticketId: a.ticketId ?? null, inReplyTo: id, references: id ? [id] : [] }, now);
}
