import { asc, eq, inArray } from 'drizzle-orm';
import type { Clock } from '../clock';
import { outbox, tickets } from '../db/schema';
import { heldMailTo, outboxMail, releaseMail } from '../requests/delivery';
import { withDb } from './with-db';
import type { Io } from './io';

/** Mail not sent yet (or only the held, with --held): what the gate kept back and why, and when it is tried again. */
export function outboxList(io: Io, o: { config?: string; held?: boolean; json?: boolean }): number {
  return withDb(io, o.config, { migrate: true }, (db) => {
    const rows = db
      .select({ id: outbox.id, kind: outbox.kind, to: outbox.toAddress, request: tickets.number, status: outbox.status, reason: outbox.lastError, since: outbox.heldAt, nextAttemptAt: outbox.nextAttemptAt, releasedAt: outbox.releasedAt })
      .from(outbox)
      .leftJoin(tickets, eq(outbox.ticketId, tickets.id))
      .where(o.held ? eq(outbox.status, 'held') : inArray(outbox.status, ['pending', 'held', 'failed']))
      .orderBy(asc(outbox.id))
      .all();
    if (o.json) io.out(JSON.stringify(rows));
    else if (rows.length === 0) io.out(o.held ? 'no mail held' : 'the outbox is empty');
    else {
      for (const r of rows) {
        const when = r.status === 'held' ? `since ${r.since ?? '?'}, tried again ${r.nextAttemptAt}` : `next attempt ${r.nextAttemptAt}`;
        io.out(`${String(r.id).padStart(5)}  ${r.status.padEnd(7)} ${r.kind.padEnd(16)} ${r.to.padEnd(28)} ${r.request ?? '-'}  ${when}${r.reason ? `\n       ${r.reason}` : ''}`);
      }
      io.out(`${rows.length} mail${rows.length === 1 ? '' : 's'}`);
    }
    return 0;
  });
}

/**
 * An admin's release: the held row goes out on the daemon's next outbox pass, past the cap or
 * suppression that held it (releasedAt tells the gate so), and the request's history says who let it go.
 */
export function outboxRelease(io: Io, id: string | undefined, o: { config?: string; address?: string }, clock: Clock): number {
  if (!id === !o.address) {
    io.err('outbox release: name an ID, or --address A (not both)');
    return 2;
  }
  return withDb(io, o.config, { migrate: true }, (db) => {
    const rows = id ? [outboxMail(db, Number(id))].filter((r) => r !== undefined) : heldMailTo(db, o.address!);
    if (rows.length === 0) {
      io.err(id ? `no outbox mail ${id}` : `no mail held for ${o.address}`);
      return 1;
    }
    const [first] = rows;
    if (first.status !== 'held') {
      io.err(`outbox mail ${first.id} is not held (it is ${first.status})`);
      return 1;
    }
    for (const r of rows) {
      releaseMail(db, { row: r, by: 'admin', at: clock.now() });
      io.out(`released ${r.id} (${r.kind} to ${r.toAddress}): it goes out on the daemon's next outbox pass`);
    }
    return 0;
  });
}
