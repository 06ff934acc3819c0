import type { ParsedEmail } from '../mail/parse';
import type { Forward } from './forward/read';
import { newPart } from '../mail/quotes';
import { recordInbound, type FirstEvent } from '../requests/inbound';
import type { NewAttachment, NewMessage, Tx } from '../requests/tx';
import { verdictOf, type IntakeInput, type Outcome, type Verdict } from './types';

/** A message parsed, its raw bytes and attachments stored: intake's first stage, which reads no state. */
export interface Received {
  input: IntakeInput;
  mail: ParsedEmail;
  raw: { sha256: string; size: number };
  files: NewAttachment[];
  /** Domains whose DKIM signatures on the message verify (looked up for engineers' mail only). */
  dkimPass: string[];
  /** The customer's mail an engineer's mail forwards (read for engineers' mail only). */
  forward?: Forward | null;
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

/** Stores the message (on its request, or alone: ticketId null) and opens its history with `event`; returns its id. */
export function keepInbound(tx: Tx, p: Prepared, o: { ticketId: number | null; at: Date; event?: FirstEvent }): number {
  return recordInbound(tx, { message: inboundRow(p, o.ticketId, o.at.toISOString()), files: p.files, at: o.at, event: o.event });
}
