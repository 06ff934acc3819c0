import { asc, eq } from 'drizzle-orm';
import type { Command } from 'commander';
import type { Clock } from '../clock';
import { buildServices } from '../daemon';
import { spam } from '../db/schema';
import { createLogger } from '../log';
import { releasedSpam } from '../requests/spam';
import { configOrExplain } from './config-command';
import type { Io } from './io';
import { withDb } from './with-db';

type SpamRow = typeof spam.$inferSelect;

const line = (r: SpamRow) => `${String(r.id).padStart(4)}  ${r.status.padEnd(8)}  ${r.receivedAt.slice(0, 16)}  ${r.fromAddress ?? '-'}  ${r.subject ?? ''}\n      ${r.verdict}`;

/** `helpdesk spam list | show ID | release ID`; each sets the exit code through done. */
export function spamCommands(program: Command, io: Io, clock: Clock, configOption: readonly [string, string], done: (code: number) => void): void {
  const s = program.command('spam').description('mail the spam filter in front of the desk marked (intake.spam): kept raw, never answered');
  s.command('list')
    .option('--all', 'released ones too')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      done(
        withDb(io, o.config, { readonly: true }, (db) => {
          const rows = db.select().from(spam).where(o.all ? undefined : eq(spam.status, 'held')).orderBy(asc(spam.id)).all();
          if (o.json) io.out(JSON.stringify(rows));
          else if (rows.length === 0) io.out(o.all ? 'no spam kept' : 'no spam held');
          else for (const r of rows) io.out(line(r));
          return 0;
        }),
      );
    });
  s.command('show')
    .argument('<id>')
    .option(...configOption)
    .action((id, o) => {
      done(
        withDb(io, o.config, { readonly: true }, (db) => {
          const r = db.select().from(spam).where(eq(spam.id, Number(id))).get();
          if (!r) {
            io.err(`no spam ${id}`);
            return 1;
          }
          io.out(JSON.stringify(r, null, 2));
          return 0;
        }),
      );
    });
  s.command('release')
    .description("process it as a normal mail (its spam headers not read again), as the daemon would; its replies go on the daemon's next outbox pass")
    .argument('<id>')
    .option(...configOption)
    .action(async (id, o) => done(await release(io, id, o.config, clock)));
}

async function release(io: Io, id: string, configFile: string | undefined, clock: Clock): Promise<number> {
  const config = configOrExplain(io, configFile);
  if (!config) return 1;
  const log = createLogger(config.log.level, { write: (s: string) => void process.stderr.write(s) });
  const services = buildServices(config, clock, log);
  const { db } = services;
  try {
    const r = db.select().from(spam).where(eq(spam.id, Number(id))).get();
    if (!r) {
      io.err(`no spam ${id}`);
      return 1;
    }
    if (r.status === 'released') {
      io.err(`spam ${id} was released already: ${r.outcome}`);
      return 1;
    }
    const mailbox = config.mailboxes.find((m) => m.name === r.mailbox) ?? config.mailboxes[0];
    let outcome;
    try {
      outcome = await services.intake.process({ raw: services.blobs.raw.get(r.rawSha256), mailbox, receivedAt: new Date(r.receivedAt), notSpam: true });
    } catch (err) {
      io.err(`spam ${id} could not be processed, it stays held: ${(err as Error).message}`);
      return 1;
    }
    releasedSpam(db, { id: r.id, outcome, by: 'admin', at: clock.now() });
    io.out(JSON.stringify({ id: r.id, released: true, ...outcome }));
    // What it queued is sent by the daemon's outbox on its next pass: sent from here too, it could go twice.
    return 0;
  } finally {
    for (const m of services.mailers.values()) m.close();
    db.$client.close();
  }
}
