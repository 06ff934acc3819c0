/**
 * The outbox's retry policy: which failed sends are tried again, and when.
 * A failed mail waits in its row until then (its next attempt time); the
 * daemon's outbox timer finds it due.
 */
export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
}

/** Delay before attempt n+1 after n failures: initial·2^(n-1), capped. */
export function retryDelay(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
}

/** When a mail that failed `attempts` times in all is tried again. */
export function nextAttempt(attempts: number, now: Date, p: RetryPolicy): Date {
  return new Date(now.getTime() + retryDelay(attempts, p.initialMs, p.maxMs));
}

/** A send error worth trying again: anything but the SMTP server's permanent (5xx) answer. */
export function isTemporary(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return !(code && code >= 500);
}
