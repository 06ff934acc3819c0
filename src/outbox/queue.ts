import type { ResolvedMailbox } from '../config/load';
import { queueMail, type Tx } from '../ticket/store';
import { newMessageId } from './registration';

/** A mail we send from a mailbox's support address. */
export interface Outgoing {
  ticketId: number | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  /** Our Message-ID; made from idHint when absent. */
  messageId?: string;
  idHint?: string;
  inReplyTo?: string | null;
  references?: readonly string[];
  replyTo?: string | null;
  attachments?: readonly { sha256: string; filename: string | null; contentType: string }[];
}

/** Puts a mail from the mailbox's support address into the outbox (inside the caller's transaction); returns its Message-ID. */
export function queueFrom(tx: Tx, mailbox: ResolvedMailbox, m: Outgoing, now: Date): string {
  const at = now.toISOString();
  const messageId = m.messageId ?? newMessageId(m.idHint ?? 'mail', mailbox.addresses[0]);
  queueMail(tx, {
    ticketId: m.ticketId,
    kind: m.kind,
    mailbox: mailbox.name,
    messageId,
    fromAddress: mailbox.addresses[0],
    fromName: mailbox.from_name,
    toAddress: m.to,
    replyTo: m.replyTo ?? null,
    subject: m.subject,
    text: m.text,
    inReplyTo: m.inReplyTo ?? null,
    referencesJson: JSON.stringify(m.references ?? []),
    attachmentsJson: JSON.stringify(m.attachments ?? []),
    nextAttemptAt: at,
    createdAt: at,
  });
  return messageId;
}
