import { asc, eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import { quarantine } from '../db/schema';
import { buildServices } from '../daemon';
import { openDb } from '../db/open';
import { createLogger } from '../log';
import { retriedQuarantined } from '../requests/quarantine';
import { configOrExplain } from './config-command';
import type { Io } from './io';

export function quarantineList(io: Io, o: { config?: string; all?: boolean; json?: boolean }): number {
  const config = configOrExplain(io, o.config, { secrets: false });
  if (!config) return 1;
  const db = openDb(config.data_dir, { migrate: true });
  try {
    const rows = db.select().from(quarantine).where(o.all ? undefined : eq(quarantine.status, 'held')).orderBy(asc(quarantine.id)).all();
    if (o.json) io.out(JSON.stringify(rows));
    else if (rows.length === 0) io.out(o.all ? 'quarantine is empty' : 'nothing held in quarantine');
    else for (const r of rows) io.out(`${String(r.id).padStart(4)}  ${r.status.padEnd(8)} retries ${r.retries}  ${r.receivedAt.slice(0, 16)}  ${r.fromAddress ?? '-'}  ${r.subject ?? ''}\n      ${r.error}`);
    return 0;
  } finally {
    db.$client.close();
  }
}

export function quarantineShow(io: Io, id: string, o: { config?: string }): number {
  const config = configOrExplain(io, o.config, { secrets: false });
  if (!config) return 1;
  const db = openDb(config.data_dir, { migrate: true });
  try {
    const r = db.select().from(quarantine).where(eq(quarantine.id, Number(id))).get();
    if (!r) {
      io.err(`no quarantined message ${id}`);
      return 1;
    }
    io.out(JSON.stringify({ ...r, rawFile: `${config.data_dir}/raw/${r.rawSha256.slice(0, 2)}/${r.rawSha256}` }, null, 2));
    return 0;
  } finally {
    db.$client.close();
  }
}

/** Processes held messages again, exactly as the daemon would; a success releases them. */
export async function quarantineRetry(io: Io, id: string | undefined, o: { config?: string; all?: boolean }, clock: Clock): Promise<number> {
  if (!id && !o.all) {
    io.err('quarantine retry: name an ID, or --all');
    return 2;
  }
  const config = configOrExplain(io, o.config);
  if (!config) return 1;
  const log = createLogger(config.log.level, { write: (s: string) => void process.stderr.write(s) });
  const services = buildServices(config, clock, log);
  const { db } = services;
  let failed = 0;
  try {
    const rows = db
      .select()
      .from(quarantine)
      .where(id ? eq(quarantine.id, Number(id)) : eq(quarantine.status, 'held'))
      .orderBy(asc(quarantine.id))
      .all();
    if (id && rows.length === 0) {
      io.err(`no quarantined message ${id}`);
      return 1;
    }
    for (const r of rows) {
      const mailbox = config.mailboxes.find((m) => m.name === r.mailbox) ?? config.mailboxes[0];
      const at = clock.now();
      try {
        const outcome = await services.intake.process({ raw: services.blobs.raw.get(r.rawSha256), mailbox, receivedAt: new Date(r.receivedAt) });
        retriedQuarantined(db, { id: r.id, retries: r.retries + 1, at, outcome });
        io.out(JSON.stringify({ id: r.id, released: true, ...outcome }));
      } catch (err) {
        failed++;
        retriedQuarantined(db, { id: r.id, retries: r.retries + 1, at, error: (err as Error).message });
        io.out(JSON.stringify({ id: r.id, released: false, error: (err as Error).message }));
      }
    }
    await services.outbox.flush();
    return failed > 0 ? 1 : 0;
  } finally {
    for (const m of services.mailers.values()) m.close();
    db.$client.close();
  }
}
