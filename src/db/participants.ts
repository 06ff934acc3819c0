/** The people on a request besides its requester (db/schema re-exports the table). */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { tickets } from './schema';

/**
 * A participant of a request: an address on its first mail's To or Cc, or
 * one an engineer added (`#cc +address`), or a former requester. Removed ones
 * (`#cc -address`) keep their row with who removed them and when; an address
 * added again gets its row back.
 */
export const participants = sqliteTable(
  'participants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    /** As written (the display form); compared in its normal form (`address_key`). */
    address: text('address').notNull(),
    addressKey: text('address_key').notNull(),
    name: text('name'),
    /** Who added it: the requester's address for the first mail's To/Cc, an engineer's, or 'migration'. */
    addedBy: text('added_by').notNull(),
    addedAt: text('added_at').notNull(),
    removedBy: text('removed_by'),
    removedAt: text('removed_at'),
  },
  (t) => [uniqueIndex('participants_ticket_address_uq').on(t.ticketId, t.addressKey), index('participants_address_idx').on(t.addressKey)],
);
