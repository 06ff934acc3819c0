import { ConfigError, findConfigFile, formatProblem, loadConfig, type Config, type LoadOptions } from '../config/load';
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

export function checkConfig(io: Io, opts: { config?: string; print?: boolean }): number {
  const config = configOrExplain(io, opts.config);
  if (!config) return 1;
  if (opts.print) io.out(JSON.stringify(config, null, 2));
  else io.out(`${config.file}: OK (${config.mailboxes.length} mailbox${config.mailboxes.length === 1 ? '' : 'es'})`);
  return 0;
}
