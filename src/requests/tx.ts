import type { Db } from '../db/open';
import type { attachments, messages, outbox, tickets } from '../db/schema';

/** The transaction every verb of the request service runs in (the caller opens it). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type { LedgerRow, TicketRow } from '../db/schema';
export type NewTicket = typeof tickets.$inferInsert;
export type NewMessage = typeof messages.$inferInsert;
export type NewAttachment = Omit<typeof attachments.$inferInsert, 'messageId'>;
export type NewOutbox = typeof outbox.$inferInsert;

/** The fields of a request an engineer's commands set (priority, assignee, escalation to a line). */
export type TicketFields = Partial<Pick<NewTicket, 'priority' | 'severity' | 'type' | 'assignee' | 'line'>>;
