import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open';
import { attachments, events, messages, outbox, slaIntervals, tickets } from '../db/schema';
import { participantHistory } from '../requests/read';
import type { Io } from './io';

export function listTickets(db: Db, io: Io, opts: { status?: string; json?: boolean }): number {
  const rows = db
    .select()
    .from(tickets)
    .where(opts.status ? eq(tickets.status, opts.status) : undefined)
    .orderBy(asc(tickets.scope), asc(tickets.seq))
    .all();
  if (opts.json) {
    io.out(JSON.stringify(rows.map(({ id: _id, scope: _s, seq: _q, ...t }) => t)));
    return 0;
  }
  if (rows.length === 0) {
    io.out(opts.status ? `no requests with status ${opts.status}` : 'no requests');
    return 0;
  }
  for (const t of rows) {
    io.out(`${t.number}  ${t.status.padEnd(12)} ${t.createdAt.slice(0, 16).replace('T', ' ')}  ${(t.requesterAddress ?? '-').padEnd(28)} ${t.subject}`);
  }
  io.out(`${rows.length} request${rows.length === 1 ? '' : 's'}`);
  return 0;
}

export function showTicket(db: Db, io: Io, number: string, opts: { json?: boolean }): number {
  const t = db.select().from(tickets).where(eq(tickets.number, number.toUpperCase())).get();
  if (!t) {
    io.err(`no request ${number}`);
    return 1;
  }
  const msgs = db.select().from(messages).where(eq(messages.ticketId, t.id)).orderBy(asc(messages.id)).all();
  const files = msgs.length
    ? db.select().from(attachments).where(inArray(attachments.messageId, msgs.map((m) => m.id))).all()
    : [];
  const evts = db.select().from(events).where(eq(events.ticketId, t.id)).orderBy(asc(events.id)).all();
  const mail = db.select().from(outbox).where(eq(outbox.ticketId, t.id)).orderBy(desc(outbox.id)).all();
  const ledger = db.select().from(slaIntervals).where(eq(slaIntervals.ticketId, t.id)).orderBy(asc(slaIntervals.id)).all();
  const view = {
    number: t.number,
    status: t.status,
    subject: t.subject,
    mailbox: t.mailbox,
    requester: { address: t.requesterAddress, name: t.requesterName },
    participants: participantHistory(db, t.id).map((p) => ({ address: p.address, name: p.name, addedBy: p.addedBy, addedAt: p.addedAt, removedBy: p.removedBy, removedAt: p.removedAt })),
    createdAt: t.createdAt,
    sla: {
      plan: t.plan,
      severity: t.severity,
      organisation: t.organisation,
      reactionDue: t.reactionDue,
      resolutionDue: t.resolutionDue,
      /** Years the deadlines were counted through by the rules alone (no decree in the calendar data). */
      provisionalYears: (t.dueProvisional ?? '').split(',').filter((y) => /^\d{4}$/.test(y)).map(Number),
      reactedAt: t.reactedAt,
      ledger: ledger.map((i) => ({ kind: i.kind, start: i.start, end: i.end, openedBy: i.openedBy, closedBy: i.closedBy })),
    },
    messages: msgs.map((m) => ({
      id: m.id,
      direction: m.direction,
      messageId: m.messageId,
      from: m.fromAddress,
      subject: m.subject,
      date: m.date,
      receivedAt: m.createdAt,
      automated: m.automated ? JSON.parse(m.automated) : null,
      rawSha256: m.rawSha256,
      text: m.text,
      newText: m.newText,
      attachments: files
        .filter((f) => f.messageId === m.id)
        .map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.size, sha256: f.sha256, stored: f.stored, skipReason: f.skipReason })),
    })),
    outbox: mail.map((o) => ({ kind: o.kind, to: o.toAddress, cc: JSON.parse(o.ccJson) as string[], subject: o.subject, messageId: o.messageId, status: o.status, attempts: o.attempts, lastError: o.lastError, sentAt: o.sentAt })),
    events: evts.map((e) => ({ type: e.type, actor: e.actor, at: e.createdAt, data: JSON.parse(e.dataJson) })),
  };
  if (opts.json) {
    io.out(JSON.stringify(view));
    return 0;
  }
  io.out(`${view.number}  [${view.status}]  ${view.subject}`);
  io.out(`requester: ${view.requester.name ?? ''} <${view.requester.address ?? '-'}>   mailbox: ${view.mailbox}   created: ${view.createdAt}`);
  for (const p of view.participants) {
    io.out(`participant: ${p.name ? `${p.name} ` : ''}<${p.address}>  added by ${p.addedBy} at ${p.addedAt}${p.removedAt ? `  — removed by ${p.removedBy} at ${p.removedAt}` : ''}`);
  }
  for (const m of view.messages) {
    io.out(`\n--- ${m.direction === 'in' ? 'from' : 'to'} ${m.from ?? '-'}  ${m.receivedAt}  ${m.messageId ?? ''}${m.automated ? `  (automated: ${m.automated.kind})` : ''}`);
    io.out(m.newText ?? m.text ?? '');
    for (const a of m.attachments) io.out(`  [attachment] ${a.filename ?? '(unnamed)'} ${a.contentType} ${a.size} B${a.stored ? '' : ` — skipped: ${a.skipReason}`}`);
  }
  if (view.sla.plan) {
    io.out(`\nSLA: plan ${view.sla.plan}, severity ${view.sla.severity}${view.sla.organisation ? `, ${view.sla.organisation}` : ''}; reaction due ${view.sla.reactionDue ?? '— (clock not counting)'}${view.sla.reactedAt ? ` (met ${view.sla.reactedAt})` : ''}; resolution due ${view.sla.resolutionDue ?? '—'}${view.sla.provisionalYears.length ? ` (provisional: ${view.sla.provisionalYears.join(', ')} counted without a decree)` : ''}`);
    io.out('SLA ledger:');
    for (const i of view.sla.ledger) io.out(`  ${i.kind.padEnd(8)} ${i.start} → ${i.end ?? 'now'}   opened by ${i.openedBy}${i.closedBy ? `, closed by ${i.closedBy}` : ''}`);
  }
  io.out('\nreplies:');
  for (const o of view.outbox) io.out(`  ${o.kind} to ${o.to}: ${o.status}${o.sentAt ? ` at ${o.sentAt}` : ''}${o.lastError ? ` (${o.lastError})` : ''}`);
  io.out('events:');
  for (const e of view.events) io.out(`  ${e.at}  ${e.type}  by ${e.actor}  ${JSON.stringify(e.data)}`);
  return 0;
}
