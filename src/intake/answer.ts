import { newMessageId } from '../outbox/registration';
import { queueMail, type Tx } from '../ticket/store';
import type { Prepared } from './prepared';

/** Queues an automatic answer to the sender of this mail, threaded under it, from the mailbox's support address. */
export function queueAnswer(tx: Tx, p: Prepared, a: { kind: string; to: string; subject: string; text: string; ticketId?: number | null; idHint: string }, now: Date): void {
  const mailbox = p.input.mailbox;
  const at = now.toISOString();
  queueMail(tx, {
    ticketId: a.ticketId ?? null,
    kind: a.kind,
    mailbox: mailbox.name,
    messageId: newMessageId(a.idHint, mailbox.addresses[0]),
    fromAddress: mailbox.addresses[0],
    fromName: mailbox.from_name,
    toAddress: a.to,
    subject: a.subject,
    text: a.text,
    inReplyTo: p.mail.messageId,
    referencesJson: JSON.stringify(p.mail.messageId ? [p.mail.messageId] : []),
    nextAttemptAt: at,
    createdAt: at,
  });
}
