import { ConfigError, findConfigFile, formatProblem, loadConfig, type Config, type LoadOptions } from '../config/load';
import { SlaPlans } from '../sla/plans';
import type { Io } from './io';

/** Loads the config named by --config / $HELPDESK_CONFIG / config/helpdesk.yaml, or prints why not. */
export function configOrExplain(io: Io, explicit: string | undefined, opts: LoadOptions = {}): Config | null {
  const file = findConfigFile(explicit, io.env);
  try {
    return loadConfig(file, { env: io.env }, opts);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}`);
    for (const p of err.problems) io.err(`  ${formatProblem(p)}`);
    return null;
  }
}

export function checkConfig(io: Io, opts: { config?: string; print?: boolean }, now: Date): number {
  const config = configOrExplain(io, opts.config);
  if (!config) return 1;
  if (opts.print) io.out(JSON.stringify(config, null, 2));
  else io.out(`${config.file}: OK (${config.mailboxes.length} mailbox${config.mailboxes.length === 1 ? '' : 'es'})`);
  for (const w of calendarWarnings(config, now)) io.err(`warning: ${w}`);
  return 0;
}

/** Years a working-day calendar counts without a decree: a warning, not a failure (the rules still count them). */
function calendarWarnings(config: Config, now: Date): string[] {
  if (Object.keys(config.plans).length === 0) return [];
  return new SlaPlans(config).provisional(now).map((p) =>
    p.computedBy === 'rules'
      ? `calendar ${p.calendar}: ${p.years.join(', ')} provisional: no decree in ${p.file}; counted by the rules of the law alone (import it: helpdesk calendar import FILE)`
      : `calendar ${p.calendar}: ${p.years.join(', ')} has no data in ${p.file} and the file names no rules: every weekday counts as a working day`,
  );
}
