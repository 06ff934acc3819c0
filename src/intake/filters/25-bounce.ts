import { classifyAutomated } from '../../mail/automated';
import { sentWithIds, ticketNumberOf } from '../../requests/read';
import { parseBounce } from '../../mail/dsn';
import { rawBytes } from '../../storage/raw';
import type { Filter } from '../types';

/**
 * A bounce, and its proof: it returns a mail we sent (our Message-ID, which
 * only the recipient's side ever saw) and that mail went to an address the
 * bounce says failed. Only then does it name an outbox row and a request.
 * Anything else it says (an X-Helpdesk-Request line, a request number, a
 * From of mailer-daemon) anyone can write, so it proves nothing.
 */
export const bounce: Filter = {
  name: 'bounce',
  run({ db, mail, input }) {
    if (classifyAutomated(mail, input.envelopeSender)?.kind !== 'bounce') return null;
    const b = parseBounce(rawBytes(input.raw), mail);
    const ours = b.originalMessageIds.length > 0 ? sentWithIds(db, b.originalMessageIds.slice(0, 500)) : [];
    // Old-style bounces name nobody we can read: then the one mail of ours they return is the one that failed.
    const recipients =
      b.recipients.length > 0 ? b.recipients : ours.length === 1 ? [{ address: ours[0].to.toLowerCase(), status: null, diagnostic: null, permanent: true, reason: 'undefined' as const, hard: false }] : [];
    const failed = new Set(recipients.map((r) => r.address));
    const proven = ours.find((o) => failed.has(o.to.toLowerCase()));
    const ticketId = proven?.ticketId ?? null;
    const number = ticketId ? ticketNumberOf(db, ticketId) : null;
    // The returned mail is named even when the address does not match; outboxId only with proof.
    const returned = proven ?? ours[0];
    return { filter: 'bounce', bounceOf: { ticketId, number, outboxId: proven?.outboxId ?? null, returnedMessageId: returned?.messageId ?? null, returnedTo: returned?.to.toLowerCase() ?? null, recipients } };
  },
};
