import { readFileSync } from 'node:fs';

/**
 * The only place that reads the wall clock. Everything else is handed a Clock,
 * so tests can drive time with a FakeClock instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(Date.now()),
};

export class FakeClock implements Clock {
  private ms: number;
  constructor(start: Date | string) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }
}

/**
 * For end-to-end tests of a daemon in another process: the time is read from
 * a file (ISO 8601) that the test rewrites to move time on. Never used
 * unless `helpdesk start --clock-file` names one.
 */
export class FileClock implements Clock {
  constructor(private readonly file: string) {}
  now(): Date {
    const at = new Date(readFileSync(this.file, 'utf8').trim());
    if (Number.isNaN(at.getTime())) throw new Error(`${this.file} holds no ISO 8601 time`);
    return at;
  }
}
