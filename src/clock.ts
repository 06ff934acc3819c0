import { readFileSync } from 'node:fs';

declare const timerBrand: unique symbol;
/** A timer set through a Clock; only that clock clears it. */
export type Timer = { readonly [timerBrand]: true };

export interface TimerOptions {
  /** A real timer that does not keep the process alive by itself (Node's unref); no meaning for a fake clock. */
  unref?: boolean;
}

/**
 * The only place that reads the wall clock and sets timers. Everything else
 * is handed a Clock, so tests can drive time with a FakeClock instead of
 * sleeping.
 */
export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number, o?: TimerOptions): Timer;
  clearTimeout(t: Timer | null | undefined): void;
  setInterval(fn: () => void, ms: number, o?: TimerOptions): Timer;
  clearInterval(t: Timer | null | undefined): void;
  /** Resolves after ms, or at once when signal aborts (it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

type Timers = Omit<Clock, 'now' | 'sleep'>;

function sleepOn(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      timers.clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = timers.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const unrefd = (t: NodeJS.Timeout, o?: TimerOptions) => (o?.unref ? t.unref() : t) as unknown as Timer;
const realTimers: Timers = {
  setTimeout: (fn, ms, o) => unrefd(setTimeout(fn, ms), o),
  clearTimeout: (t) => clearTimeout(t as unknown as NodeJS.Timeout | undefined),
  setInterval: (fn, ms, o) => unrefd(setInterval(fn, ms), o),
  clearInterval: (t) => clearInterval(t as unknown as NodeJS.Timeout | undefined),
};

export const systemClock: Clock = {
  now: () => new Date(Date.now()),
  ...realTimers,
  sleep: (ms, signal) => sleepOn(realTimers, ms, signal),
};

interface FakeTimer {
  at: number;
  /** An interval's period; null for a timeout. */
  every: number | null;
  fn: () => void;
  seq: number;
}

/**
 * Time that moves only when a test says so. Its timers wait in a queue and
 * fire, in the order of their times (then of their setting), when advance()
 * or set() passes them; an interval fires once for each period passed.
 */
export class FakeClock implements Clock {
  private ms: number;
  private seq = 0;
  private readonly timers = new Set<FakeTimer>();

  constructor(start: Date | string) {
    this.ms = instant(start);
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.runUntil(this.ms + span(ms));
  }
  /** Moves to a time; moving back fires nothing. */
  set(at: Date | string): void {
    const to = instant(at);
    if (to >= this.ms) this.runUntil(to);
    else this.ms = to;
  }
  /**
   * advance() for timers whose callbacks start promises: before each next
   * timer is looked for, the promise callbacks already due run, so a timer
   * they set within the span (a backoff's next sleep) fires in it too.
   */
  async advanceAsync(ms: number): Promise<void> {
    const until = this.ms + span(ms);
    for (let t = await this.settledNext(until); t; t = await this.settledNext(until)) this.fire(t);
    this.ms = until;
  }
  /** Timers set and not yet fired or cleared (an interval counts once). */
  pending(): number {
    return this.timers.size;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, null);
  }
  setInterval(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, Math.max(1, ms));
  }
  clearTimeout(t: Timer | null | undefined): void {
    this.timers.delete(t as unknown as FakeTimer);
  }
  clearInterval(t: Timer | null | undefined): void {
    this.timers.delete(t as unknown as FakeTimer);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  private add(fn: () => void, ms: number, every: number | null): Timer {
    if (!Number.isFinite(ms)) throw new RangeError(`a timer needs a finite delay in ms, got ${ms}`);
    const t: FakeTimer = { at: this.ms + Math.max(0, ms), every, fn, seq: this.seq++ };
    this.timers.add(t);
    return t as unknown as Timer;
  }

  private next(until: number): FakeTimer | undefined {
    let first: FakeTimer | undefined;
    for (const t of this.timers) if (t.at <= until && (!first || t.at < first.at || (t.at === first.at && t.seq < first.seq))) first = t;
    return first;
  }

  private async settledNext(until: number): Promise<FakeTimer | undefined> {
    // setImmediate runs after every promise callback queued so far (and those they queue): not a timer on the clock.
    await new Promise((resolve) => setImmediate(resolve));
    return this.next(until);
  }

  private fire(t: FakeTimer): void {
    this.ms = Math.max(this.ms, t.at);
    if (t.every === null) this.timers.delete(t);
    else t.at += t.every;
    // An interval keeps its place among timers due at the same time: it was set before them.
    t.fn();
  }

  private runUntil(until: number): void {
    for (let t = this.next(until); t; t = this.next(until)) this.fire(t);
    this.ms = until;
  }
}

function instant(at: Date | string): number {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(at)}`);
  return ms;
}

function span(ms: number): number {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`a clock moves on by a finite number of ms ≥ 0, got ${ms}`);
  return ms;
}

/**
 * For end-to-end tests of a daemon in another process: the time is read from
 * a file (ISO 8601) that the test rewrites to move time on. Its timers are
 * real ones. Never used unless `helpdesk start --clock-file` names one.
 */
export class FileClock implements Clock {
  constructor(private readonly file: string) {}
  now(): Date {
    const at = new Date(readFileSync(this.file, 'utf8').trim());
    if (Number.isNaN(at.getTime())) throw new Error(`${this.file} holds no ISO 8601 time`);
    return at;
  }
  readonly setTimeout = realTimers.setTimeout;
  readonly clearTimeout = realTimers.clearTimeout;
  readonly setInterval = realTimers.setInterval;
  readonly clearInterval = realTimers.clearInterval;
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(realTimers, ms, signal);
  }
}
