import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock';
import { Backoff } from './backoff';

/**
 * Messages left in the folder by a transient fault (disk full, database
 * busy) are scanned for again after a delay that doubles while the fault
 * lasts; a scan that defers nothing starts the delay again from the beginning.
 */
export class DeferredRetry {
  private timer: Timer | null = null;
  private readonly backoff: Backoff;

  constructor(private readonly o: { clock: Clock; log: Logger; delays: { initialMs: number; maxMs: number }; signal: AbortSignal }) {
    this.backoff = new Backoff(o.delays);
  }

  /** After a scan that deferred `deferred` messages: sets the rescan, unless one is set already or the watcher stops. */
  after(deferred: number, rescan: () => void): void {
    if (deferred === 0) {
      this.backoff.reset();
      return;
    }
    if (this.timer || this.o.signal.aborted) return;
    const inMs = this.backoff.next();
    this.o.log.info({ event: 'intake.retry.scheduled', deferred, inMs }, 'intake.retry.scheduled');
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      rescan();
    }, inMs);
  }

  /** The session ended: its rescan goes with it (the next session scans first thing). */
  cancel(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
