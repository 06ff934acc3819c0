import type { ParsedEmail } from '../mail/parse';
import { addParticipants, type NewParticipant } from '../requests/participants';
import { participantsOf, requesterOf } from '../requests/read';
import { addEvent } from '../requests/sqlite';
import type { Tx } from '../requests/tx';
import { normalAddress, type Roles } from './roles';

/** requests.participants and requests.max_participants. */
export interface Take {
  /** proven: only when `vouched` (our receiving server's dmarc=pass for the From's domain). */
  from: 'cc' | 'proven' | 'none';
  max: number;
}

/**
 * The people a customer brought to a new request: the To and Cc of its first
 * mail, except our own addresses, engineers and the requester, each once, at
 * most `max` of them (the rest are named in a `participants.skipped` event).
 * Only the first mail adds anyone (thread/participants.ts says why).
 */
export function takeParticipants(tx: Tx, o: { ticketId: number; messageId: number; mail: ParsedEmail; at: Date; roles: Roles; take?: Take; vouched: boolean }): string[] {
  const take = o.take ?? { from: 'cc', max: 10 };
  if (take.from === 'none' || (take.from === 'proven' && !o.vouched)) return [];
  const requester = o.mail.from?.address;
  const seen = new Set(requester ? [normalAddress(requester)] : []);
  const people: NewParticipant[] = [];
  for (const a of [...o.mail.to, ...o.mail.cc]) {
    if (!a.address || o.roles.isOwn(a.address) || o.roles.isEngineer(a.address)) continue;
    const key = normalAddress(a.address);
    if (seen.has(key)) continue;
    seen.add(key);
    people.push({ address: a.address, name: a.name });
  }
  const skipped = people.slice(take.max).map((p) => p.address);
  if (skipped.length > 0) addEvent(tx, { ticketId: o.ticketId, messageId: o.messageId, type: 'participants.skipped', actor: 'system', at: o.at, data: { max: take.max, skipped } });
  return addParticipants(tx, { ticketId: o.ticketId, people: people.slice(0, take.max), by: requester ?? 'system', at: o.at, messageId: o.messageId });
}

/**
 * A request that continues a closed one (a reply after the reopen window)
 * has that one's people: its requester and participants, except the new
 * requester. Not the reply's To and Cc: it is a later mail of the thread,
 * whose From may be forged, and would bring in whoever its writer liked.
 */
export function continueParticipants(tx: Tx, o: { ticketId: number; messageId: number; from: number; requester: string | null; at: Date }): string[] {
  const was = requesterOf(tx, o.from);
  const people = [...(was ? [{ address: was }] : []), ...participantsOf(tx, o.from)];
  const requester = o.requester ? normalAddress(o.requester) : '';
  return addParticipants(tx, { ticketId: o.ticketId, people: people.filter((p) => normalAddress(p.address) !== requester), by: 'system', at: o.at, messageId: o.messageId });
}
