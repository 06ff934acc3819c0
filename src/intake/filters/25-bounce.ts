import { desc, eq, inArray } from 'drizzle-orm';
import { outbox, tickets } from '../../db/schema';
import { classifyAutomated } from '../../mail/automated';
import { parseBounce } from '../../mail/dsn';
import { rawBytes } from '../../storage/raw';
import type { Filter } from '../types';

/**
 * A bounce of a mail we sent: which of our outbox rows it returns (by the
 * returned Message-ID, else by the X-Helpdesk-Request header it quotes) and
 * so which request it belongs to, and who failed.
 */
export const bounce: Filter = {
  name: 'bounce',
  run({ db, mail, input }) {
    if (classifyAutomated(mail, input.envelopeSender)?.kind !== 'bounce') return null;
    const b = parseBounce(rawBytes(input.raw), mail);
    const byId =
      b.originalMessageIds.length > 0
        ? db
            .select({ outboxId: outbox.id, ticketId: outbox.ticketId, to: outbox.toAddress, messageId: outbox.messageId })
            .from(outbox)
            .where(inArray(outbox.messageId, b.originalMessageIds.slice(0, 500)))
            .orderBy(desc(outbox.id))
            .get()
        : undefined;
    const byNumber =
      !byId && b.requestNumbers.length > 0 ? db.select({ ticketId: tickets.id }).from(tickets).where(inArray(tickets.number, b.requestNumbers.slice(0, 50))).get() : undefined;
    const ticketId = byId?.ticketId ?? byNumber?.ticketId ?? null;
    const number = ticketId ? db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, ticketId)).get()!.number : null;
    // Old-style bounces name nobody we can read: then the address we wrote to failed.
    const recipients = b.recipients.length > 0 ? b.recipients : byId ? [{ address: byId.to, status: null, diagnostic: null, permanent: true }] : [];
    return { filter: 'bounce', bounceOf: { ticketId, number, outboxId: byId?.outboxId ?? null, returnedMessageId: byId?.messageId ?? null, recipients } };
  },
};
