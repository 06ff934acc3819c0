/** Mail kept apart from requests until an admin acts: what intake failed on, and spam (db/schema re-exports both tables). */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Mail that could not be processed: kept raw (content-addressed) with its error, to be retried. */
export const quarantine = sqliteTable(
  'quarantine',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailbox: text('mailbox').notNull(),
    rawSha256: text('raw_sha256').notNull(),
    messageId: text('message_id'),
    subject: text('subject'),
    fromAddress: text('from_address'),
    error: text('error').notNull(),
    retries: integer('retries').notNull().default(0),
    status: text('status', { enum: ['held', 'released'] }).notNull().default('held'),
    outcome: text('outcome'),
    receivedAt: text('received_at').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('quarantine_status_idx').on(t.status), uniqueIndex('quarantine_raw_uq').on(t.rawSha256)],
);

/** Mail the spam filter in front of the desk marked (intake.spam), kept by its raw bytes' hash until an admin releases it. */
export const spam = sqliteTable(
  'spam',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailbox: text('mailbox').notNull(),
    rawSha256: text('raw_sha256').notNull(),
    messageId: text('message_id'),
    subject: text('subject'),
    fromAddress: text('from_address'),
    /** The rule that matched, as "Header: value". */
    verdict: text('verdict').notNull(),
    status: text('status', { enum: ['held', 'released'] }).notNull().default('held'),
    /** After release: the outcome of processing it as a normal mail (JSON), and who released it. */
    outcome: text('outcome'),
    releasedBy: text('released_by'),
    receivedAt: text('received_at').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('spam_status_idx').on(t.status), uniqueIndex('spam_raw_uq').on(t.rawSha256)],
);
