import { Command, CommanderError, Option } from 'commander';
import { FileClock, systemClock } from './clock';
import { checkConfig, configOrExplain } from './cli/config-command';
import { processIo, type Io } from './cli/io';
import { parseCommand } from './cli/parse-command';
import { listTickets, showTicket } from './cli/tickets-command';
import { EX_TEMPFAIL, ingestCommand } from './cli/ingest-command';
import { outboxList, outboxRelease } from './cli/outbox-command';
import { quarantineList, quarantineRetry, quarantineShow } from './cli/quarantine-command';
import { spamCommands } from './cli/spam-command';
import { suppressionsClear, suppressionsList } from './cli/suppressions-command';
import { slaDue, slaReportCommand } from './cli/sla-command';
import { calendarShow } from './cli/calendar-command';
import { calendarImport } from './cli/calendar-import-command';
import { startCommand } from './cli/start-command';
import { openDb, appliedMigrations } from './db/open';
import { withDb } from './cli/with-db';

/** The `helpdesk` command. Returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = new Command('helpdesk')
    .description('mail-helpdesk: e-mail support desk daemon and tools')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError();
  const configOption = ['-c, --config <file>', 'config file (default: $HELPDESK_CONFIG, then config/helpdesk.yaml)'] as const;

  program
    .command('start')
    .description('run the daemon in the foreground (SIGTERM: finish in-flight work and exit; SIGHUP: reload config and templates)')
    .option(...configOption)
    .addOption(new Option('--clock-file <file>', 'tests only: read the time from this file').hideHelp())
    .action(async (o) => {
      code = await startCommand(io, o.config, o.clockFile ? new FileClock(o.clockFile) : systemClock);
    });

  program
    .command('migrate')
    .description('create or upgrade the database in data_dir')
    .option(...configOption)
    .action((o) => {
      const config = configOrExplain(io, o.config, { secrets: false });
      if (!config) return void (code = 1);
      const db = openDb(config.data_dir, { migrate: true });
      io.out(`${config.data_dir}: database at migration ${appliedMigrations(db)}`);
      db.$client.close();
    });

  program
    .command('backup')
    .description('an online, consistent copy of the database (SQLite backup API), safe while the daemon runs')
    .requiredOption('--to <file>', 'where to write the copy')
    .option(...configOption)
    .action(async (o) => {
      const config = configOrExplain(io, o.config, { secrets: false });
      if (!config) return void (code = 1);
      const db = openDb(config.data_dir, { readonly: true });
      try {
        const { totalPages } = await db.$client.backup(o.to);
        io.out(`${o.to}: ${totalPages} pages copied from ${config.data_dir}/helpdesk.sqlite`);
      } catch (err) {
        io.err(`backup failed: ${(err as Error).message}`);
        code = 1;
      } finally {
        db.$client.close();
      }
    });

  program
    .command('check-config')
    .description('validate a config file; every problem is printed with its key and line')
    .option(...configOption)
    .option('--print', 'print the resolved config, secrets masked')
    .addOption(new Option('--clock-file <file>', 'tests only: read the time from this file').hideHelp())
    .action((o) => {
      code = checkConfig(io, o, (o.clockFile ? new FileClock(o.clockFile) : systemClock).now());
    });

  program
    .command('parse')
    .description('parse one .eml file (- for standard input) and print what intake sees (no database, no network)')
    .argument('<file>')
    .option('--json', 'print one JSON object')
    .option(...configOption)
    .action(async (file, o) => {
      code = await parseCommand(io, file, o);
    });

  program
    .command('ingest')
    .description('process one message from standard input as the daemon would (for an MTA pipe), print the outcome as JSON')
    .option(...configOption)
    .option('-m, --mailbox <name>', 'the mailbox it arrived at (default: the first, or the one serving a To/Cc address)')
    .option('--no-send', 'queue the reply but do not try to send it now')
    .action(async (o) => {
      code = await ingestCommand(io, o, systemClock);
    });

  const sla = program.command('sla').description('service-level deadlines');
  sla
    .command('due')
    .description('reaction and resolution deadlines of a request (business time of the plan\'s calendars)')
    .requiredOption('--plan <name>', 'plan (from the config)')
    .requiredOption('--severity <name>', 'severity (from the plan)')
    .requiredOption('--opened <iso8601>', 'when the request was opened')
    .option('--paused <start/end>', 'a pause not counted (ISO 8601 interval); repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--time-zone <zone>', 'the customer\'s time zone (working-day calendars count in it)')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      code = slaDue(io, o);
    });

  sla
    .command('report')
    .description('met and breached reaction and resolution targets per plan and severity')
    .option('--from <date>', 'requests opened on or after')
    .option('--to <date>', 'requests opened before')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      code = slaReportCommand(io, o, systemClock.now());
    });

  const cal = program.command('calendar').description('production calendars: working days, holidays and short days of a year');
  cal
    .command('show')
    .description('a year\'s non-working days with their reason, working weekend days, short days, and working days and hours per month')
    .argument('<year>', 'e.g. 2027')
    .option('--calendar <name>', 'a calendar of the config (default: the one production calendar the config uses)')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((year, o) => {
      code = calendarShow(io, year, o);
    });
  cal
    .command('import')
    .description("a year's decree from a published calendar (XML production calendar, iCalendar of days off, or calendar show --json), checked date by date and written into the production calendar's data file")
    .argument('<file>', 'the published calendar')
    .option('--calendar <name>', 'a calendar of the config (default: the one production calendar the config uses)')
    .option('--year <year>', 'only this year of the file (default: every year in it)')
    .option('--source <text>', 'the decree as people cite it (default: as the file names it)')
    .option('--dry-run', 'print what would change; write nothing')
    .option(...configOption)
    .action((file, o) => {
      code = calendarImport(io, file, o);
    });

  const q = program.command('quarantine').description('mail that could not be processed (kept raw, with its error)');
  q.command('list')
    .option('--all', 'released ones too')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      code = quarantineList(io, o);
    });
  q.command('show')
    .argument('<id>')
    .option(...configOption)
    .action((id, o) => {
      code = quarantineShow(io, id, o);
    });
  q.command('retry')
    .description('process again, as the daemon would; a success releases it')
    .argument('[id]')
    .option('--all', 'every held message')
    .option(...configOption)
    .action(async (id, o) => {
      code = await quarantineRetry(io, id, o, systemClock);
    });

  spamCommands(program, io, systemClock, configOption, (c) => (code = c));

  const ob = program.command('outbox').description('mail waiting to be sent, and mail a cap or a bounce suppression holds back');
  ob.command('list')
    .description('mail not sent yet: id, status, kind, to, request, and for held mail its reason, since when, and when it is tried again')
    .option('--held', 'only held mail')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      code = outboxList(io, o);
    });
  ob.command('release')
    .description("send held mail on the daemon's next pass, past the cap or suppression that held it")
    .argument('[id]', 'the held mail (from outbox list --held)')
    .option('--address <address>', 'every mail held for this address')
    .option(...configOption)
    .action((id, o) => {
      code = outboxRelease(io, id, o, systemClock);
    });

  const sup = program.command('suppressions').description('addresses that get no automatic mail because they bounced');
  sup
    .command('list')
    .description('suppressed addresses: until when, why, the request it came from, how much mail each holds')
    .option('--all', 'expired ones too')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      code = suppressionsList(io, o, systemClock);
    });
  sup
    .command('clear')
    .description("end a suppression now; the mail it held is tried again on the daemon's next pass")
    .argument('<address>')
    .option(...configOption)
    .action((address, o) => {
      code = suppressionsClear(io, address, o, systemClock);
    });

  const ticketsCmd = program.command('tickets').description('look at requests');
  ticketsCmd
    .command('list')
    .option('--status <status>', 'only requests with this status')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((o) => {
      code = withDb(io, o.config, { readonly: true }, (db) => listTickets(db, io, o));
    });
  ticketsCmd
    .command('show')
    .argument('<number>', 'registration number, e.g. SUP-2026-000042')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action((number, o) => {
      code = withDb(io, o.config, { readonly: true }, (db) => showTicket(db, io, number, o));
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    // A usage error in an MTA's pipe command is ours, not the mail's: the MTA must keep the mail (see ingestCommand).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : argv[2] === 'ingest' ? EX_TEMPFAIL : 2;
    throw err;
  }
  return code;
}
