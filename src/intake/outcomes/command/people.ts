import type { ParsedCommands } from '../../../commands/parse';
import { normalAddress } from '../../../mail/address';
import { addParticipants, changeRequester, removeParticipant } from '../../../requests/participants';
import { requesterOf } from '../../../requests/read';
import type { Reply } from './reply';

/**
 * The engineer's #cc and #requester, in the order written, through the
 * request service. What did nothing (adding the requester, removing someone
 * not on it) is said back in the confirmation.
 */
export function applyPeople(r: Reply, parsed: ParsedCommands): string[] {
  const { tx, t, now, engineer } = r;
  const on = { ticketId: t.id, by: engineer.address, at: now, messageId: r.messageId };
  const unchanged: string[] = [];
  for (const c of parsed.commands) {
    if (c.name === 'requester') {
      const from = requesterOf(tx, t.id);
      if (from && normalAddress(from) === normalAddress(c.address)) unchanged.push(`${c.address} is the requester already`);
      else changeRequester(tx, { ...on, from, to: { address: c.address } });
    }
    if (c.name !== 'cc') continue;
    for (const ch of c.changes) {
      const requester = requesterOf(tx, t.id);
      if (requester && normalAddress(requester) === normalAddress(ch.address)) unchanged.push(`${ch.address} is the requester (change the requester with #requester)`);
      else if (ch.add) {
        if (addParticipants(tx, { ...on, people: [{ address: ch.address }] }).length === 0) unchanged.push(`${ch.address} was on the request already`);
      } else if (!removeParticipant(tx, { ...on, address: ch.address })) unchanged.push(`${ch.address} was not on the request`);
    }
  }
  return unchanged;
}
