import { asc, count, eq, gt } from 'drizzle-orm';
import type { Clock } from '../clock';
import { outbox, suppressions, tickets } from '../db/schema';
import { liftSuppression } from '../requests/delivery';
import type { Io } from './io';
import { withDb } from './with-db';

/** Addresses that get no automatic mail now (bounced), with how much mail each keeps held; --all: expired ones too. */
export function suppressionsList(io: Io, o: { config?: string; all?: boolean; json?: boolean }, clock: Clock): number {
  return withDb(io, o.config, { migrate: true }, (db) => {
    const now = clock.now().toISOString();
    const rows = db
      .select({ address: suppressions.address, until: suppressions.until, reason: suppressions.reason, request: tickets.number, since: suppressions.createdAt })
      .from(suppressions)
      .leftJoin(tickets, eq(suppressions.ticketId, tickets.id))
      .where(o.all ? undefined : gt(suppressions.until, now))
      .orderBy(asc(suppressions.address))
      .all();
    // How much mail each address keeps held: one query for all of them.
    const heldBy = new Map(
      db.select({ to: outbox.toAddress, n: count() }).from(outbox).where(eq(outbox.status, 'held')).groupBy(outbox.toAddress).all().map((h) => [h.to, h.n] as const),
    );
    const listed = rows.map((r) => ({ ...r, active: r.until > now, held: heldBy.get(r.address) ?? 0 }));
    if (o.json) io.out(JSON.stringify(listed));
    else if (listed.length === 0) io.out('no address is suppressed');
    else for (const r of listed) io.out(`${r.address.padEnd(32)} until ${r.until}${r.active ? '' : ' (expired)'}  ${r.held} held  ${r.request ?? '-'}\n  ${r.reason}`);
    return 0;
  });
}

/**
 * Ends a suppression now. The mail it held is tried again on the daemon's next outbox pass (the gate
 * decides again: caps still apply); the request that caused it records who cleared it.
 */
export function suppressionsClear(io: Io, address: string, o: { config?: string }, clock: Clock): number {
  return withDb(io, o.config, { migrate: true }, (db) => {
    const a = address.trim().toLowerCase();
    const held = liftSuppression(db, { address: a, by: 'admin', at: clock.now() });
    if (held === null) {
      io.err(`no suppression of ${address}`);
      return 1;
    }
    io.out(`${a}: suppression cleared; ${held} held mail${held === 1 ? '' : 's'} tried again on the daemon's next outbox pass`);
    return 0;
  });
}
