import type { ParsedEmail } from '../mail/parse';
import { newPart } from '../mail/quotes';
import type { NewAttachment, NewMessage } from '../ticket/store';
import { verdictOf, type IntakeInput, type Outcome, type Verdict } from './types';

/** A message parsed, its raw bytes and attachments stored: intake's first stage, which reads no state. */
export interface Received {
  input: IntakeInput;
  mail: ParsedEmail;
  raw: { sha256: string; size: number };
  files: NewAttachment[];
  /** Domains whose DKIM signatures on the message verify (looked up for engineers' mail only). */
  dkimPass: string[];
}

/** What became of one message of a decided batch: its outcome, or the error that rolled it back. */
export type Decision = { outcome: Outcome } | { error: Error };

/** A message received, its verdicts known: ready for the transaction. */
export interface Prepared extends Received {
  dedupKey: string;
  verdicts: Verdict[];
}

/** The messages row of an inbound message. */
export function inboundRow(p: Prepared, ticketId: number | null, at: string): NewMessage {
  const { mail, input } = p;
  const automated = verdictOf(p.verdicts, 'automated');
  return {
    ticketId,
    direction: 'in',
    mailbox: input.mailbox.name,
    messageId: mail.messageId,
    dedupKey: p.dedupKey,
    rawSha256: p.raw.sha256,
    rawSize: p.raw.size,
    fromAddress: mail.from?.address ?? null,
    fromName: mail.from?.name ?? null,
    toJson: JSON.stringify(mail.to),
    ccJson: JSON.stringify(mail.cc),
    subject: mail.subject,
    date: mail.date?.toISOString() ?? null,
    inReplyTo: mail.inReplyTo,
    referencesJson: JSON.stringify(mail.references),
    text: mail.text,
    newText: newPart(mail.text),
    automated: automated ? JSON.stringify(automated) : null,
    verdictsJson: JSON.stringify(p.verdicts),
    imapUid: input.imapUid ?? null,
    createdAt: at,
  };
}
