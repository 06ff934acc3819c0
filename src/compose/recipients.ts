import { normalAddress } from '../mail/address';
import { participantsOf, type Reader } from '../requests/read';
import type { TicketRow } from '../requests/tx';

/** An engineer of the desk (config `engineers`). */
export interface Engineer {
  address: string;
  name: string;
  line: string;
  accept?: readonly ('token' | 'dkim' | 'authentication-results')[];
}

export function isEngineer(engineers: readonly Engineer[], address: string | undefined | null): boolean {
  return !!address && engineers.some((e) => e.address === address);
}

/** Who is told about a request: its responsible engineer when it has one (and they are an engineer), else every engineer of its line. */
export function engineersOf(engineers: readonly Engineer[], t: Pick<TicketRow, 'assignee' | 'line'>): Engineer[] {
  const assignee = t.assignee ? engineers.filter((e) => e.address === t.assignee) : [];
  return assignee.length > 0 ? assignee : engineers.filter((e) => e.line === t.line);
}

/**
 * Who of a request's participants are copied on its mail to the customer
 * (the registration reply, engineers' answers, the notices the customer
 * gets): `onReplies` is `requests.cc_participants_on_replies`; `never` says
 * who is copied in no case (our own addresses and engineers, which rows kept
 * before the participants table may hold).
 */
export interface Copies {
  onReplies: boolean;
  never(address: string): boolean;
}

/** The Cc of a mail to the request's requester: its participants, unless copies are off. */
export function ccOf(db: Reader, ticketId: number, requester: string | null, copies: Copies | undefined): string[] {
  if (!copies?.onReplies) return [];
  const to = requester ? normalAddress(requester) : '';
  return participantsOf(db, ticketId)
    .map((p) => p.address)
    .filter((a) => !copies.never(a) && normalAddress(a) !== to);
}
