import { eq } from 'drizzle-orm';
import { messages, tickets } from '../../db/schema';
import type { Filter } from '../types';

/** A message we already stored (same Message-ID, or same bytes when it has none) is not processed again. */
export const duplicate: Filter = {
  name: 'duplicate',
  run({ db, dedupKey }) {
    const row = db
      .select({ id: messages.id, number: tickets.number })
      .from(messages)
      .leftJoin(tickets, eq(messages.ticketId, tickets.id))
      .where(eq(messages.dedupKey, dedupKey))
      .get();
    return row ? { filter: 'duplicate', duplicateOf: { messageId: row.id, ticketNumber: row.number } } : null;
  },
};
