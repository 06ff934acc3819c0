import type { Clock } from '../clock';
import { ConfigError, loadConfig } from '../config/load';
import { buildServices, Daemon } from '../daemon';
import { createLogger } from '../log';
import { configOrExplain } from './config-command';
import type { Io } from './io';

/**
 * `helpdesk start`: runs until SIGTERM/SIGINT, then finishes what is in flight
 * and exits 0. SIGHUP re-reads the config and templates; a config that does
 * not validate is refused and the running one kept.
 */
export async function startCommand(io: Io, configFile: string | undefined, clock: Clock): Promise<number> {
  let config = configOrExplain(io, configFile);
  if (!config) return 1;
  const log = createLogger(config.log.level);
  let daemon = new Daemon(config, buildServices(config, clock, log), clock, log);
  daemon.start();

  let chain = Promise.resolve();
  const serial = (fn: () => Promise<void>) => (chain = chain.then(fn, fn));
  return new Promise<number>((resolve) => {
    const stop = (signal: string) =>
      serial(async () => {
        log.info({ event: 'daemon.signal', signal }, 'daemon.signal');
        process.off('SIGHUP', reload);
        await daemon.stop();
        resolve(0);
      });
    const reload = () =>
      serial(async () => {
        let next;
        try {
          next = loadConfig(config!.file, { env: io.env });
        } catch (err) {
          const problems = err instanceof ConfigError ? err.problems : [{ message: (err as Error).message }];
          log.error({ event: 'daemon.reload.failed', problems }, 'daemon.reload.failed');
          return;
        }
        await daemon.stop();
        config = next;
        daemon = new Daemon(next, buildServices(next, clock, log), clock, log);
        daemon.start();
        log.info({ event: 'daemon.reloaded' }, 'daemon.reloaded');
      });
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', reload);
  });
}
