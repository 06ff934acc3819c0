/** Mail kept apart from requests until an admin acts: what intake failed on, and spam (db/schema re-exports both tables). */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Which mail (its raw bytes' hash is its identity here) and what it says of itself. A function: each table needs its own columns. */
const keptMail = () => ({
  id: integer('id').primaryKey({ autoIncrement: true }),
  mailbox: text('mailbox').notNull(),
  rawSha256: text('raw_sha256').notNull(),
  messageId: text('message_id'),
  subject: text('subject'),
  fromAddress: text('from_address'),
});

/** Held until an admin acts; then released, with the outcome (JSON) of processing it. */
const heldState = () => ({
  status: text('status', { enum: ['held', 'released'] }).notNull().default('held'),
  outcome: text('outcome'),
});

const times = () => ({
  receivedAt: text('received_at').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Mail that could not be processed: kept raw (content-addressed) with its error, to be retried. */
export const quarantine = sqliteTable(
  'quarantine',
  {
    ...keptMail(),
    error: text('error').notNull(),
    retries: integer('retries').notNull().default(0),
    ...heldState(),
    ...times(),
  },
  (t) => [index('quarantine_status_idx').on(t.status), uniqueIndex('quarantine_raw_uq').on(t.rawSha256)],
);

/** Mail the spam filter in front of the desk marked (intake.spam), kept until an admin releases it. */
export const spam = sqliteTable(
  'spam',
  {
    ...keptMail(),
    /** The rule that matched, as "Header: value". */
    verdict: text('verdict').notNull(),
    ...heldState(),
    /** Who released it. */
    releasedBy: text('released_by'),
    ...times(),
  },
  (t) => [index('spam_status_idx').on(t.status), uniqueIndex('spam_raw_uq').on(t.rawSha256)],
);
