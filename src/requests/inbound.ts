import { messages } from '../db/schema';
import { addEvent, insertAttachments } from './sqlite';
import type { NewAttachment, NewMessage, Tx } from './tx';

/** What a stored message's history opens with. */
export interface FirstEvent {
  type: string;
  actor: string;
  data?: unknown;
}

/**
 * Stores an inbound message and its attachments, on its request or alone
 * (`message.ticketId` null), and opens its history with `event`. Returns the
 * message's id.
 */
export function recordInbound(tx: Tx, o: { message: NewMessage; files: readonly NewAttachment[]; at: Date; event?: FirstEvent }): number {
  const id = tx.insert(messages).values(o.message).returning({ id: messages.id }).get().id;
  insertAttachments(tx, id, o.files);
  if (o.event) addEvent(tx, { ticketId: o.message.ticketId ?? null, messageId: id, ...o.event, at: o.at });
  return id;
}

/** One `attachment.skipped` event for each file of the message that was not kept (too large, or past a limit). */
export function noteSkippedFiles(tx: Tx, o: { ticketId: number; messageId: number; files: readonly NewAttachment[]; at: Date }): void {
  for (const f of o.files.filter((x) => !x.stored)) {
    addEvent(tx, { ticketId: o.ticketId, messageId: o.messageId, type: 'attachment.skipped', actor: 'system', at: o.at, data: { filename: f.filename, size: f.size, reason: f.skipReason } });
  }
}
