/** The fake clock's timers: what fires, in which order, at which fake time; and the bad input it refuses. */
import { FakeClock, systemClock } from '../../src/clock';

const T0 = '2026-11-20T09:00:00Z';

function recording() {
  const clock = new FakeClock(T0);
  const t0 = clock.now().getTime();
  const fired: [string, number][] = [];
  const mark = (name: string) => () => void fired.push([name, clock.now().getTime() - t0]);
  return { clock, fired, mark };
}

test('timeouts fire once, at their time (not 1 ms before), in the order of their times, then of their setting', () => {
  const { clock, fired, mark } = recording();
  clock.setTimeout(mark('b@300'), 300);
  clock.setTimeout(mark('a@100'), 100);
  clock.setTimeout(mark('c@300'), 300);
  clock.advance(99);
  expect(fired).toEqual([]);
  clock.advance(1);
  expect(fired).toEqual([['a@100', 100]]);
  clock.advance(500);
  expect(fired).toEqual([['a@100', 100], ['b@300', 300], ['c@300', 300]]);
  expect(clock.now().toISOString()).toBe('2026-11-20T09:00:00.600Z');
  expect(clock.pending()).toBe(0);
});

test('an interval fires once for each period passed, each at its own time; cleared, it fires no more', () => {
  const { clock, fired, mark } = recording();
  const every = clock.setInterval(mark('tick'), 1000);
  clock.advance(3500); // periods end at 1000, 2000, 3000
  expect(fired).toEqual([['tick', 1000], ['tick', 2000], ['tick', 3000]]);
  clock.advance(500);
  expect(fired).toHaveLength(4);
  clock.clearInterval(every);
  clock.advance(10_000);
  expect(fired).toHaveLength(4);
  expect(clock.pending()).toBe(0);
});

test('a timer set by a firing timer fires in the same advance when it falls within it', () => {
  const { clock, fired, mark } = recording();
  clock.setTimeout(() => {
    mark('first')();
    clock.setTimeout(mark('second'), 50);
  }, 100);
  clock.advance(150);
  expect(fired).toEqual([['first', 100], ['second', 150]]);
});

test('set() fires what falls due on the way; moving back fires nothing', () => {
  const { clock, fired, mark } = recording();
  clock.setTimeout(mark('hour'), 3600_000);
  clock.set('2026-11-20T08:00:00Z');
  expect(fired).toEqual([]);
  clock.set('2026-11-20T10:00:00Z');
  expect(fired).toEqual([['hour', 3600_000]]);
});

test('cleared timeouts do not fire', () => {
  const { clock, fired, mark } = recording();
  const t = clock.setTimeout(mark('never'), 10);
  clock.clearTimeout(t);
  clock.clearTimeout(null); // nothing to clear: no error
  clock.advance(100);
  expect(fired).toEqual([]);
});

test('sleep resolves at its time; an abort ends it at once and takes its timer off', async () => {
  const { clock } = recording();
  let woke = false;
  const slept = clock.sleep(500).then(() => (woke = true));
  clock.advance(499);
  await Promise.resolve();
  expect(woke).toBe(false);
  clock.advance(1);
  await slept;
  expect(woke).toBe(true);

  const stop = new AbortController();
  const aborted = clock.sleep(60_000, stop.signal);
  expect(clock.pending()).toBe(1);
  stop.abort();
  await aborted;
  expect(clock.pending()).toBe(0);
  await clock.sleep(60_000, stop.signal); // already aborted: at once
  expect(clock.now().toISOString()).toBe('2026-11-20T09:00:00.500Z');
});

test('advanceAsync fires the timers that promise callbacks set within the span; advance only those set already', async () => {
  const chain = async (clock: FakeClock, at: number[]) => {
    for (const ms of [200, 400, 800]) {
      await clock.sleep(ms);
      at.push(clock.now().getTime() - Date.parse(T0));
    }
  };
  const sync = new FakeClock(T0);
  const syncAt: number[] = [];
  void chain(sync, syncAt);
  sync.advance(1400);
  await new Promise((r) => setImmediate(r));
  // The first sleep's promise callback ran only after advance() returned (at 1400): its next sleep waits still.
  expect(syncAt).toEqual([1400]);
  expect(sync.pending()).toBe(1);

  const async_ = new FakeClock(T0);
  const asyncAt: number[] = [];
  const done = chain(async_, asyncAt);
  await async_.advanceAsync(1400);
  await done;
  expect(asyncAt).toEqual([200, 600, 1400]);
});

test('bad input is refused with a clear error', () => {
  const clock = new FakeClock(T0);
  expect(() => new FakeClock('yesterday')).toThrow('not a time: yesterday');
  expect(() => clock.set('noon')).toThrow('not a time: noon');
  expect(() => clock.advance(-1)).toThrow('a clock moves on by a finite number of ms ≥ 0, got -1');
  expect(() => clock.advance(Number.NaN)).toThrow('got NaN');
  expect(() => clock.setTimeout(() => undefined, Number.POSITIVE_INFINITY)).toThrow('a timer needs a finite delay in ms, got Infinity');
  expect(clock.now().toISOString()).toBe('2026-11-20T09:00:00.000Z');
});

test('the system clock: an aborted sleep ends at once (its real timer cleared, nothing keeps the process)', async () => {
  const stop = new AbortController();
  const slept = systemClock.sleep(3_600_000, stop.signal);
  stop.abort();
  await expect(slept).resolves.toBeUndefined();
});
