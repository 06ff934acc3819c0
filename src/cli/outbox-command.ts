import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { outbox, tickets } from '../db/schema';
import { addEvent } from '../requests/sqlite';
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
    const rows = id ? db.select().from(outbox).where(eq(outbox.id, Number(id))).all() : db.select().from(outbox).where(and(eq(outbox.status, 'held'), eq(sql`lower(${outbox.toAddress})`, o.address!.toLowerCase()))).orderBy(asc(outbox.id)).all();
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
      release(db, r, clock.now());
      io.out(`released ${r.id} (${r.kind} to ${r.toAddress}): it goes out on the daemon's next outbox pass`);
    }
    return 0;
  });
}

function release(db: Db, r: typeof outbox.$inferSelect, now: Date): void {
  db.transaction((tx) => {
    tx.update(outbox)
      .set({ status: 'pending', releasedAt: now.toISOString(), nextAttemptAt: now.toISOString() })
      .where(and(eq(outbox.id, r.id), eq(outbox.status, 'held')))
      .run();
    addEvent(tx, { ticketId: r.ticketId, type: 'mail.released', actor: 'admin', at: now, data: { kind: r.kind, to: r.toAddress, messageId: r.messageId, heldFor: r.lastError, heldAt: r.heldAt } });
  });
}
