import type { Clock } from '../clock';
import type { Config } from '../config/load';
import { buildServices, type Services } from '../daemon';
import { createLogger } from '../log';
import { parseEmail } from '../mail/parse';
import { configOrExplain } from './config-command';
import type { Io } from './io';

/** sysexits EX_TEMPFAIL: an MTA pipe transport keeps the message queued and tries again later. */
export const EX_TEMPFAIL = 75;

/**
 * `helpdesk ingest < mail.eml`: one message, exactly the daemon's intake,
 * outcome as JSON on stdout.
 *
 * The exit code tells the MTA that piped the message whose fault a failure
 * is. Any other code than 0 and 75 makes it bounce the mail to its sender, so
 * only a fault of the mail itself may: and the only one is no mail at all
 * (empty input: retrying reads the same nothing). Intake takes any bytes that
 * are a mail at all (what cannot be parsed is stored with its parse error),
 * so every other failure is ours and exits 75: the MTA keeps the message and
 * retries, and once we are mended (the database, the config, the disk, a bug)
 * it is delivered. A config without the named mailbox, an unreadable config,
 * a database that cannot be opened (corrupt, not a database, locked by
 * another process), a full disk, anything thrown: all 75.
 */
export async function ingestCommand(io: Io, o: { config?: string; mailbox?: string; send: boolean }, clock: Clock): Promise<number> {
  try {
    return await ingest(io, o, clock);
  } catch (err) {
    io.err(`ingest: ${(err as Error).message}`);
    io.out(JSON.stringify({ outcome: 'failed', error: (err as Error).message }));
    return EX_TEMPFAIL;
  }
}

async function ingest(io: Io, o: { config?: string; mailbox?: string; send: boolean }, clock: Clock): Promise<number> {
  const config = configOrExplain(io, o.config);
  if (!config) return EX_TEMPFAIL;
  const raw = await io.stdin();
  if (raw.length === 0) {
    io.err('ingest: standard input is empty; pipe one message into it');
    return 1;
  }
  const mailbox = o.mailbox ? config.mailboxes.find((m) => m.name === o.mailbox) : await mailboxFor(config, raw);
  if (!mailbox) {
    io.err(`ingest: no mailbox "${o.mailbox}" in ${config.file} (have: ${config.mailboxes.map((m) => m.name).join(', ')})`);
    return EX_TEMPFAIL;
  }
  // Logs go to stderr: stdout carries the JSON outcome.
  const log = createLogger(config.log.level, { write: (s: string) => void process.stderr.write(s) });
  const failed = (event: string, err: Error) => {
    log.error({ event, err: { message: err.message, stack: err.stack, code: (err as { code?: string }).code } }, event);
    io.out(JSON.stringify({ outcome: 'failed', error: err.message, mailbox: mailbox.name }));
    return EX_TEMPFAIL;
  };
  let services: Services;
  try {
    // The outbox is not woken by intake: with --no-send nothing is sent, and with send the flush
    // below is the one pass, awaited before the database is closed (a pass woken by intake outlived it).
    services = buildServices(config, clock, log, { wakeOutbox: false });
  } catch (err) {
    return failed('ingest.unavailable', err as Error); // the database cannot be opened or migrated, …
  }
  try {
    const outcome = await services.intake.process({ raw, mailbox, receivedAt: clock.now() });
    const sent = o.send ? await services.outbox.flush() : 0;
    io.out(JSON.stringify({ ...outcome, mailbox: mailbox.name, repliesSent: sent }));
    return 0;
  } catch (err) {
    return failed('intake.message.failed', err as Error);
  } finally {
    for (const m of services.mailers.values()) m.close();
    services.db.$client.close();
  }
}

/** The mailbox serving one of the message's recipients, else the first one. */
async function mailboxFor(config: Config, raw: Buffer) {
  const mail = await parseEmail(raw);
  const rcpts = new Set([...mail.to, ...mail.cc].map((a) => a.address));
  for (const v of mail.headers.get('delivered-to') ?? []) rcpts.add(v.toLowerCase());
  return config.mailboxes.find((m) => m.addresses.some((a) => rcpts.has(a))) ?? config.mailboxes[0];
}
