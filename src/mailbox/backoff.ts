/** A delay that doubles, from initialMs up to maxMs, each time it is taken; reset() starts it again. */
export class Backoff {
  private delay: number;

  constructor(private readonly o: { initialMs: number; maxMs: number }) {
    this.delay = o.initialMs;
  }

  /** The delay to wait now; the next one is twice as long (at most maxMs). */
  next(): number {
    const now = this.delay;
    this.delay = Math.min(this.o.maxMs, now * 2);
    return now;
  }

  reset(): void {
    this.delay = this.o.initialMs;
  }
}
