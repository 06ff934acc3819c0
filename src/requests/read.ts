import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, notInArray, or, like } from 'drizzle-orm';
import type { Db } from '../db/open';
import { participants } from '../db/participants';
import { attachments, messages, outbox, tickets } from '../db/schema';
import { normalAddress } from '../mail/address';
import type { TicketRow, Tx } from './tx';

/** The read model beside the request service: the questions intake's filters, threading, commands and the sweep ask. */
export type Reader = Db | Tx;

export function ticketById(db: Reader, ticketId: number): TicketRow | undefined {
  return db.select().from(tickets).where(eq(tickets.id, ticketId)).get();
}

export function ticketByNumber(db: Reader, number: string): { id: number; number: string } | null {
  return db.select({ id: tickets.id, number: tickets.number }).from(tickets).where(eq(tickets.number, number)).get() ?? null;
}

export function ticketNumberOf(db: Reader, ticketId: number): string {
  return db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, ticketId)).get()!.number;
}

/** What a customer's reply does depends on these. */
export function statusOf(db: Reader, ticketId: number): { status: string; resolvedAt: string | null } {
  return db.select({ status: tickets.status, resolvedAt: tickets.resolvedAt }).from(tickets).where(eq(tickets.id, ticketId)).get()!;
}

/** The open (not resolved or closed) requests of an organisation, or of one sender when it has none, oldest first. */
export function openRequestsOf(db: Reader, whose: { organisation: string | null; requester: string }): { number: string; subject: string }[] {
  const who = whose.organisation ? eq(tickets.organisation, whose.organisation) : eq(tickets.requesterAddress, whose.requester);
  return db
    .select({ number: tickets.number, subject: tickets.subject })
    .from(tickets)
    .where(and(who, notInArray(tickets.status, ['resolved', 'closed'])))
    .orderBy(asc(tickets.id))
    .all();
}

/** Requests whose SLA sweep time has come, soonest first. */
export function dueForSweep(db: Reader, now: Date, batch: number): { id: number }[] {
  return db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(isNotNull(tickets.nextSlaAt), lte(tickets.nextSlaAt, now.toISOString())))
    .orderBy(asc(tickets.nextSlaAt))
    .limit(batch)
    .all();
}

type Stored = { messageId: number; ticketNumber: string | null };

/** The message stored under this dedup key, with its request's number. */
export function storedByDedupKey(db: Reader, dedupKey: string): Stored | undefined {
  return db.select({ messageId: messages.id, ticketNumber: tickets.number }).from(messages).leftJoin(tickets, eq(messages.ticketId, tickets.id)).where(eq(messages.dedupKey, dedupKey)).get();
}

/** Messages stored with this Message-ID (at most 100), with sender and Date. */
export function storedByMessageId(db: Reader, messageId: string): (Stored & { from: string | null; date: string | null })[] {
  return db
    .select({ messageId: messages.id, ticketNumber: tickets.number, from: messages.fromAddress, date: messages.date })
    .from(messages)
    .leftJoin(tickets, eq(messages.ticketId, tickets.id))
    .where(eq(messages.messageId, messageId))
    .limit(100)
    .all();
}

/** The id and request of the message stored under this dedup key. */
export function messageByDedupKey(db: Reader, dedupKey: string): { id: number; ticketId: number | null } | undefined {
  return db.select({ id: messages.id, ticketId: messages.ticketId }).from(messages).where(eq(messages.dedupKey, dedupKey)).get();
}

/** Whether we sent a mail with this Message-ID. */
export function sentByUs(db: Reader, messageId: string): boolean {
  return !!db.select({ id: outbox.id }).from(outbox).where(eq(outbox.messageId, messageId)).get();
}

/** Our mails with these Message-IDs, newest first. */
export function sentWithIds(db: Reader, ids: readonly string[]) {
  return db
    .select({ outboxId: outbox.id, ticketId: outbox.ticketId, to: outbox.toAddress, messageId: outbox.messageId })
    .from(outbox)
    .where(inArray(outbox.messageId, [...ids]))
    .orderBy(desc(outbox.id))
    .all();
}

/** The request a Message-ID we sent or received belongs to. */
export function requestOfMessageId(db: Reader, id: string): { ticketId: number; number: string } | undefined {
  return (
    db.select({ ticketId: tickets.id, number: tickets.number }).from(outbox).innerJoin(tickets, eq(outbox.ticketId, tickets.id)).where(eq(outbox.messageId, id)).get() ??
    db
      .select({ ticketId: tickets.id, number: tickets.number })
      .from(messages)
      .innerJoin(tickets, eq(messages.ticketId, tickets.id))
      .where(and(eq(messages.messageId, id), isNotNull(messages.ticketId)))
      .get()
  );
}

export function requesterOf(db: Reader, ticketId: number): string | null {
  return db.select({ requester: tickets.requesterAddress }).from(tickets).where(eq(tickets.id, ticketId)).get()?.requester ?? null;
}

/** The request's first inbound message, whole, or undefined. */
export function firstInbound(db: Reader, ticketId: number) {
  return db.select().from(messages).where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'in'))).orderBy(asc(messages.id)).get();
}

export function attachmentsOf(db: Reader, messageId: number) {
  return db.select().from(attachments).where(eq(attachments.messageId, messageId)).all();
}

/** The text of the mail we sent to engineers on the request: notifications, confirmations, SLA notices. */
export function internalMailText(db: Reader, ticketId: number): string[] {
  return db
    .select({ text: outbox.text })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), or(like(outbox.kind, 'notify-%'), like(outbox.kind, 'sla-%'), eq(outbox.kind, 'confirm'))))
    .all()
    .map((r) => r.text);
}

/** Sender and text of every inbound message on the request. */
export function inboundTexts(db: Reader, ticketId: number): { from: string | null; text: string | null }[] {
  return db
    .select({ from: messages.fromAddress, text: messages.text })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'in')))
    .all();
}

/** The request's participants now on it (not removed), in the order they were added. */
export function participantsOf(db: Reader, ticketId: number): { address: string; name: string | null }[] {
  return db
    .select({ address: participants.address, name: participants.name })
    .from(participants)
    .where(and(eq(participants.ticketId, ticketId), isNull(participants.removedAt)))
    .orderBy(asc(participants.id))
    .all();
}

/** Whether the address is a participant now on the request. */
export function isOnRequest(db: Reader, ticketId: number, address: string): boolean {
  const key = normalAddress(address);
  return !!db
    .select({ id: participants.id })
    .from(participants)
    .where(and(eq(participants.ticketId, ticketId), eq(participants.addressKey, key), isNull(participants.removedAt)))
    .get();
}

/** Every participant the request has had, removed ones too: who added (and removed) them and when (`tickets show`). */
export function participantHistory(db: Reader, ticketId: number) {
  return db.select().from(participants).where(eq(participants.ticketId, ticketId)).orderBy(asc(participants.id)).all();
}
