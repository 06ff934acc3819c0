import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { ResolvedMailbox } from '../config/load';
import { outbox, suppressions, tickets } from '../db/schema';
import type { Tx } from './tx';

/** A mail we send from a mailbox's support address. */
export interface Outgoing {
  ticketId: number | null;
  kind: string;
  to: string;
  /** Participants in Cc: each gets a copy of their own (a row, a Message-ID), headed To `to`, Cc these. */
  cc?: readonly string[];
  subject: string;
  text: string;
  /** The HTML alternative of the same content; sent as multipart/alternative with the text. */
  html?: string | null;
  /** Our Message-ID; minted from idHint when absent. */
  messageId?: string;
  idHint?: string;
  inReplyTo?: string | null;
  references?: readonly string[];
  replyTo?: string | null;
  /** Stored files to send along; an inline image keeps its Content-ID. */
  attachments?: readonly { sha256: string; filename: string | null; contentType: string; contentId?: string | null }[];
}

/** A Message-ID of ours: unique, and carrying the request number for humans reading headers. */
export function newMessageId(ticketNumber: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'helpdesk.invalid';
  return `<${ticketNumber.toLowerCase()}.${crypto.randomUUID()}@${domain}>`;
}

/**
 * Puts a mail from the mailbox's support address into the outbox, one row a
 * recipient: the caps, suppressions and bounces of each are their own.
 * Returns the Message-ID of the copy To `to` (minted unless given).
 */
export function queueMail(tx: Tx, o: { from: ResolvedMailbox; mail: Outgoing; at: Date }): string {
  const { from, mail: m } = o;
  const cc = m.cc ?? [];
  const messageId = m.messageId ?? newMessageId(m.idHint ?? 'mail', from.addresses[0]);
  insertRow(tx, o, { messageId, envelopeTo: m.to, cc });
  for (const to of cc) insertRow(tx, o, { messageId: newMessageId(m.idHint ?? 'mail', from.addresses[0]), envelopeTo: to, cc, toHeader: m.to });
  return messageId;
}

function insertRow(tx: Tx, o: { from: ResolvedMailbox; mail: Outgoing; at: Date }, r: { messageId: string; envelopeTo: string; cc: readonly string[]; toHeader?: string }): void {
  const { from, mail: m } = o;
  const at = o.at.toISOString();
  const { messageId } = r;
  tx.insert(outbox)
    .values({
      ticketId: m.ticketId,
      kind: m.kind,
      mailbox: from.name,
      messageId,
      fromAddress: from.addresses[0],
      fromName: from.from_name,
      toAddress: r.envelopeTo,
      toHeader: r.toHeader ?? null,
      ccJson: JSON.stringify(r.cc),
      replyTo: m.replyTo ?? null,
      subject: m.subject,
      text: m.text,
      html: m.html ?? null,
      inReplyTo: m.inReplyTo ?? null,
      referencesJson: JSON.stringify(m.references ?? []),
      attachmentsJson: JSON.stringify(m.attachments ?? []),
      nextAttemptAt: at,
      createdAt: at,
    })
    .run();
}

/** A mail of ours that a proven bounce returned; its request is touched. */
export function markBounced(tx: Tx, o: { outboxId: number; error: string; ticketId: number | null; at: Date }): void {
  tx.update(outbox).set({ status: 'bounced', lastError: o.error.slice(0, 1000) }).where(eq(outbox.id, o.outboxId)).run();
  if (o.ticketId) tx.update(tickets).set({ updatedAt: o.at.toISOString() }).where(eq(tickets.id, o.ticketId)).run();
}

/** No automatic mail to the address until `until` (a later suppression replaces an earlier one). */
export function suppress(tx: Tx, o: { address: string; until: string; reason: string; ticketId: number | null; at: Date }): void {
  tx.insert(suppressions)
    .values({ address: o.address, until: o.until, reason: o.reason, ticketId: o.ticketId, createdAt: o.at.toISOString() })
    .onConflictDoUpdate({ target: suppressions.address, set: { until: o.until, reason: sql`excluded.reason`, ticketId: sql`excluded.ticket_id` } })
    .run();
}
