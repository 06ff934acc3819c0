/**
 * The request service: the only code that writes requests, their messages,
 * events, SLA ledger and queued mail. Every verb takes the transaction it
 * runs in; reads for filters, threading, commands and the sweep are in
 * ./read and ./read-thread. SQLite-specific statements are in ./sqlite.
 */
export { open, type Open } from './open';
export { recordInbound, noteSkippedFiles, type FirstEvent } from './inbound';
export { changeStatus, amend, resolvedAtFor, type StatusChange } from './status';
export { queueMail, markBounced, suppress, newMessageId, type Outgoing } from './mail';
export { startClock, markReacted, recompute, scheduleNext, recomputeProvisional, recordNotice, ledgerOf, noticesSent } from './ledger';
export { addEvent, eventAboutSince, type NewEvent } from './sqlite';
export { holdMessage } from './quarantine';
export type { Tx, TicketRow, LedgerRow, NewAttachment, NewMessage, NewTicket, TicketFields } from './tx';
