import type { Clock } from '../clock';
import type { Config } from '../config/load';
import { buildServices } from '../daemon';
import { createLogger } from '../log';
import { parseEmail } from '../mail/parse';
import { configOrExplain } from './config-command';
import type { Io } from './io';

/** sysexits EX_TEMPFAIL: an MTA pipe transport keeps the message queued and tries again later. */
export const EX_TEMPFAIL = 75;

/**
 * `helpdesk ingest < mail.eml`: one message, exactly the daemon's intake,
 * outcome as JSON on stdout. When processing fails the exit code is 75, so
 * the MTA that piped the message keeps it and retries: no mail is lost.
 */
export async function ingestCommand(io: Io, o: { config?: string; mailbox?: string; send: boolean }, clock: Clock): Promise<number> {
  const config = configOrExplain(io, o.config);
  if (!config) return 1;
  const raw = await io.stdin();
  if (raw.length === 0) {
    io.err('ingest: standard input is empty; pipe one message into it');
    return 1;
  }
  const mailbox = o.mailbox ? config.mailboxes.find((m) => m.name === o.mailbox) : await mailboxFor(config, raw);
  if (!mailbox) {
    io.err(`ingest: no mailbox "${o.mailbox}" in ${config.file} (have: ${config.mailboxes.map((m) => m.name).join(', ')})`);
    return 1;
  }
  // Logs go to stderr: stdout carries the JSON outcome.
  const log = createLogger(config.log.level, { write: (s: string) => void process.stderr.write(s) });
  const services = buildServices(config, clock, log);
  try {
    const outcome = await services.intake.process({ raw, mailbox, receivedAt: clock.now() });
    const sent = o.send ? await services.outbox.flush() : 0;
    io.out(JSON.stringify({ ...outcome, mailbox: mailbox.name, repliesSent: sent }));
    return 0;
  } catch (err) {
    log.error({ event: 'intake.message.failed', err: { message: (err as Error).message, stack: (err as Error).stack } }, 'intake.message.failed');
    io.out(JSON.stringify({ outcome: 'failed', error: (err as Error).message, mailbox: mailbox.name }));
    return EX_TEMPFAIL;
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
