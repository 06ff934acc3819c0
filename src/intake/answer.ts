import { queueMail, type Outgoing } from '../requests/mail';
import type { Tx } from '../requests/tx';
import type { Prepared } from './prepared';

/** Queues an automatic answer to the sender of this mail, threaded under it, from the mailbox's support address. */
export function queueAnswer(tx: Tx, p: Prepared, a: Pick<Outgoing, 'kind' | 'to' | 'subject' | 'text' | 'html' | 'idHint'> & { ticketId?: number | null }, now: Date): void {
  const id = p.mail.messageId;
  queueMail(tx, { from: p.input.mailbox, mail: { ...a, ticketId: a.ticketId ?? null, inReplyTo: id, references: id ? [id] : [] }, at: now });
}
