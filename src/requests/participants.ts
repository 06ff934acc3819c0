import { and, eq, isNull } from 'drizzle-orm';
import { participants } from '../db/participants';
import { tickets } from '../db/schema';
import { normalAddress } from '../mail/address';
import { addEvent } from './sqlite';
import type { Tx } from './tx';

export interface NewParticipant {
  address: string;
  name?: string | null;
}

/**
 * Adds people to a request (or brings back removed ones), with who added them
 * and when, and a `participant.added` event for each one new on it. The
 * caller decides who may be one (never our own addresses, engineers, or the
 * requester). Returns the addresses added.
 */
export function addParticipants(tx: Tx, o: { ticketId: number; people: readonly NewParticipant[]; by: string; at: Date; messageId?: number | null }): string[] {
  const at = o.at.toISOString();
  const added: string[] = [];
  for (const p of o.people) {
    const addressKey = normalAddress(p.address);
    const was = tx.select({ id: participants.id, removedAt: participants.removedAt }).from(participants).where(and(eq(participants.ticketId, o.ticketId), eq(participants.addressKey, addressKey))).get();
    if (was && !was.removedAt) continue;
    if (was) tx.update(participants).set({ addedBy: o.by, addedAt: at, removedBy: null, removedAt: null }).where(eq(participants.id, was.id)).run();
    else tx.insert(participants).values({ ticketId: o.ticketId, address: p.address, addressKey, name: p.name || null, addedBy: o.by, addedAt: at }).run();
    addEvent(tx, { ticketId: o.ticketId, messageId: o.messageId ?? null, type: 'participant.added', actor: o.by, at: o.at, data: { address: p.address } });
    added.push(p.address);
  }
  return added;
}

/** Takes a person off a request: no more mail to them, and their mail no longer joins it. Whether they were on it. */
export function removeParticipant(tx: Tx, o: { ticketId: number; address: string; by: string; at: Date; messageId?: number | null }): boolean {
  const removed = tx
    .update(participants)
    .set({ removedBy: o.by, removedAt: o.at.toISOString() })
    .where(and(eq(participants.ticketId, o.ticketId), eq(participants.addressKey, normalAddress(o.address)), isNull(participants.removedAt)))
    .returning({ id: participants.id })
    .all();
  if (removed.length === 0) return false;
  addEvent(tx, { ticketId: o.ticketId, messageId: o.messageId ?? null, type: 'participant.removed', actor: o.by, at: o.at, data: { address: o.address } });
  return true;
}

/**
 * A new requester (`#requester address`): the one mail goes To from now on.
 * The former requester stays on the request as a participant, the new one
 * is no longer one; a `requester.changed` event says who did it.
 */
export function changeRequester(tx: Tx, o: { ticketId: number; from: string | null; to: NewParticipant; by: string; at: Date; messageId?: number | null }): void {
  tx.update(tickets)
    .set({ requesterAddress: o.to.address, requesterName: o.to.name || null, updatedAt: o.at.toISOString() })
    .where(eq(tickets.id, o.ticketId))
    .run();
  const on = { ticketId: o.ticketId, by: o.by, at: o.at, messageId: o.messageId };
  removeParticipant(tx, { ...on, address: o.to.address });
  if (o.from) addParticipants(tx, { ...on, people: [{ address: o.from }] });
  addEvent(tx, { ticketId: o.ticketId, messageId: o.messageId ?? null, type: 'requester.changed', actor: o.by, at: o.at, data: { from: o.from, to: o.to.address } });
}
