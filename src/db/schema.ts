import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The database schema. SQL migrations in migrations/ are generated from this
 * file with `npx drizzle-kit generate`; a test checks the two agree.
 * Times are ISO 8601 UTC strings.
 */

/** Where intake stands in each watched IMAP folder. */
export const mailboxState = sqliteTable('mailbox_state', {
  mailbox: text('mailbox').primaryKey(),
  uidValidity: integer('uid_validity').notNull(),
  lastUid: integer('last_uid').notNull().default(0),
  updatedAt: text('updated_at').notNull(),
});

/** Registration-number sequences: one row per scope (a year, or "all"). */
export const counters = sqliteTable('counters', {
  scope: text('scope').primaryKey(),
  value: integer('value').notNull(),
});

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: text('number').notNull(),
    scope: text('scope').notNull(),
    seq: integer('seq').notNull(),
    mailbox: text('mailbox').notNull(),
    status: text('status').notNull().default('new'),
    subject: text('subject').notNull(),
    requesterAddress: text('requester_address'),
    requesterName: text('requester_name'),
    language: text('language').notNull(),
    /** The support line (team) working on it, and its responsible engineer (an address from the config). */
    line: text('line').notNull().default('L1'),
    assignee: text('assignee'),
    priority: text('priority'),
    type: text('type'),
    /** The earlier request this one continues (a reply to a closed request opens a new one that links it). */
    linkedTicketId: integer('linked_ticket_id'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** When the status last became resolved or closed (for the reopen window). */
    resolvedAt: text('resolved_at'),
    /** The SLA: plan and severity, and the deadlines as they stand after every pause and resume. */
    plan: text('plan'),
    severity: text('severity'),
    organisation: text('organisation'),
    /** The customer's time zone (their organisation's); working-day calendars count in it. Null: the calendar's own. */
    timeZone: text('time_zone'),
    reactionDue: text('reaction_due'),
    resolutionDue: text('resolution_due'),
    /** Years the deadlines were counted through that no decree vouches for ("2027"; comma-separated): the rules alone counted them. Null: none. */
    dueProvisional: text('due_provisional'),
    reactedAt: text('reacted_at'),
    /** When the SLA sweep next has something to do for this request (indexed: the sweep reads only these). */
    nextSlaAt: text('next_sla_at'),
  },
  (t) => [
    uniqueIndex('tickets_number_uq').on(t.number),
    uniqueIndex('tickets_scope_seq_uq').on(t.scope, t.seq),
    index('tickets_reaction_due_idx').on(t.reactionDue),
    index('tickets_resolution_due_idx').on(t.resolutionDue),
    index('tickets_next_sla_idx').on(t.nextSlaAt),
  ],
);

/** Every message we received or sent. Inbound ones carry a dedup key (Message-ID, or content hash). */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').references(() => tickets.id),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    mailbox: text('mailbox').notNull(),
    messageId: text('message_id'),
    dedupKey: text('dedup_key'),
    rawSha256: text('raw_sha256'),
    rawSize: integer('raw_size'),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    toJson: text('to_json').notNull().default('[]'),
    ccJson: text('cc_json').notNull().default('[]'),
    subject: text('subject'),
    date: text('date'),
    inReplyTo: text('in_reply_to'),
    referencesJson: text('references_json').notNull().default('[]'),
    text: text('text'),
    /** What the writer typed: the text without quoted history and signature. */
    newText: text('new_text'),
    automated: text('automated'),
    verdictsJson: text('verdicts_json').notNull().default('[]'),
    imapUid: integer('imap_uid'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('messages_dedup_uq').on(t.dedupKey),
    index('messages_message_id_idx').on(t.messageId),
    index('messages_ticket_idx').on(t.ticketId),
  ],
);

export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id),
    filename: text('filename'),
    contentType: text('content_type').notNull(),
    /** The Content-ID of an inline image (without <>), so a relayed HTML answer can show it again. */
    contentId: text('content_id'),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    stored: integer('stored', { mode: 'boolean' }).notNull(),
    skipReason: text('skip_reason'),
  },
  (t) => [index('attachments_message_idx').on(t.messageId)],
);

/** The audit trail of a request. */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').references(() => tickets.id),
    messageId: integer('message_id').references(() => messages.id),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    dataJson: text('data_json').notNull().default('{}'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('events_ticket_idx').on(t.ticketId)],
);

/** Mail to send. Written in the same transaction as what caused it; the outbox worker sends it. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').references(() => tickets.id),
    kind: text('kind').notNull(),
    mailbox: text('mailbox').notNull(),
    messageId: text('message_id').notNull(),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name').notNull(),
    /** The envelope recipient: one address a row (the gate, caps and suppressions decide per recipient). */
    toAddress: text('to_address').notNull(),
    /** The To and Cc headers when they differ from to_address: a participant's copy says To the requester, Cc the others. */
    toHeader: text('to_header'),
    ccJson: text('cc_json').notNull().default('[]'),
    replyTo: text('reply_to'),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    /** The HTML alternative of the text (null on rows queued before there was one: sent as text only). */
    html: text('html'),
    inReplyTo: text('in_reply_to'),
    referencesJson: text('references_json').notNull().default('[]'),
    /** Stored attachments to send along: [{sha256, filename, contentType}]. */
    attachmentsJson: text('attachments_json').notNull().default('[]'),
    /** held: kept back by a rate cap or a bounce suppression (lastError says which); bounced: sent, then returned. */
    status: text('status', { enum: ['pending', 'sent', 'failed', 'held', 'bounced'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** When the gate first held it back (a held row's nextAttemptAt is when its cause ends and the gate decides again). */
    heldAt: text('held_at'),
    /** An admin released it (`helpdesk outbox release`): it goes out past the cap or suppression that held it. */
    releasedAt: text('released_at'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_message_id_uq').on(t.messageId),
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_recipient_sent_idx').on(t.toAddress, t.sentAt),
    index('outbox_sent_idx').on(t.sentAt),
  ],
);

/** Addresses that get no automatic mail until a time: they bounced. */
export const suppressions = sqliteTable('suppressions', {
  address: text('address').primaryKey(),
  until: text('until').notNull(),
  reason: text('reason').notNull(),
  ticketId: integer('ticket_id').references(() => tickets.id),
  createdAt: text('created_at').notNull(),
});

/**
 * The SLA ledger of a request: its clock as intervals, counted or paused,
 * each with the event that opened and closed it. The open interval has no end.
 */
export const slaIntervals = sqliteTable(
  'sla_intervals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    kind: text('kind', { enum: ['counted', 'paused'] }).notNull(),
    start: text('start').notNull(),
    end: text('end'),
    openedBy: text('opened_by').notNull(),
    closedBy: text('closed_by'),
  },
  (t) => [index('sla_intervals_ticket_idx').on(t.ticketId)],
);

/** Notices the SLA sweep sent; the unique key makes each one go out once, across restarts and overlapping sweeps. */
export const slaNotices = sqliteTable(
  'sla_notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    kind: text('kind').notNull(),
    dueAt: text('due_at').notNull(),
    sentAt: text('sent_at').notNull(),
  },
  (t) => [uniqueIndex('sla_notices_uq').on(t.ticketId, t.kind)],
);


export { quarantine, spam } from './held';

/** A request's row and one interval of its SLA ledger, as read (the SLA rules read them; the request service writes them). */
export type TicketRow = typeof tickets.$inferSelect;
export type LedgerRow = typeof slaIntervals.$inferSelect;
