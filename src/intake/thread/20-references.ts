import { and, eq, isNotNull } from 'drizzle-orm';
import { messages, outbox, tickets } from '../../db/schema';
import type { ThreadCheck } from './types';

/** Message-IDs looked up in one mail at most (In-Reply-To and the newest References): a long chain costs no more. */
const MAX_IDS = 50;

/** In-Reply-To, then References (newest first), against every Message-ID we received or sent. */
export const references: ThreadCheck = {
  name: 'references',
  find({ db, mail }) {
    const ids = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((x): x is string => !!x))].slice(0, MAX_IDS);
    for (const id of ids) {
      const hit =
        db
          .select({ ticketId: tickets.id, number: tickets.number })
          .from(outbox)
          .innerJoin(tickets, eq(outbox.ticketId, tickets.id))
          .where(eq(outbox.messageId, id))
          .get() ??
        db
          .select({ ticketId: tickets.id, number: tickets.number })
          .from(messages)
          .innerJoin(tickets, eq(messages.ticketId, tickets.id))
          .where(and(eq(messages.messageId, id), isNotNull(messages.ticketId)))
          .get();
      if (hit) return [{ ...hit, via: 'references' }];
    }
    return [];
  },
};
