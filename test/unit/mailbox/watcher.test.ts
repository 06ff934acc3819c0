/**
 * The watcher's timers on the fake clock: the reconnect backoff, the rescan
 * of messages a transient fault deferred, the poll without IDLE. Nothing
 * sleeps; each attempt is seen at the fake time it was made.
 */
import pino from 'pino';
import { FakeClock } from '../../../src/clock';
import { openDb } from '../../../src/db/open';
import type { Decision, Received } from '../../../src/intake/prepared';
import { MailboxWatcher, type WatcherDeps } from '../../../src/mailbox/watcher';
import { tmpDir } from '../../support/env';
import { FakeImap, type FakeImapOptions } from '../../support/fake-imap';
import { mailbox } from '../../support/services';

const T0 = '2026-11-20T09:00:00Z';
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:993'), { code: 'ECONNREFUSED' });
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
const created: Decision = { outcome: { outcome: 'created' } } as unknown as Decision;

/** A watcher whose n-th connection is made with plans[n] (the last one repeats), logging into records. */
function watcher(plans: FakeImapOptions[], over: Partial<WatcherDeps> = {}) {
  const clock = new FakeClock(T0);
  const t0 = clock.now().getTime();
  const records: { event?: string; [k: string]: unknown }[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void records.push(JSON.parse(s)) });
  const db = openDb(tmpDir('watcher'), { migrate: true });
  const clients: FakeImap[] = [];
  const w = new MailboxWatcher({
    mailbox: mailbox(),
    db,
    clock,
    log,
    receive: async () => ({}) as Received,
    decide: (received) => received.map(() => created),
    quarantine: async () => Promise.reject(new Error('nothing is quarantined here')),
    reconnect: { initialMs: 200, maxMs: 2000 },
    connect: () => {
      const c = new FakeImap(clock, plans[Math.min(clients.length, plans.length - 1)]);
      clients.push(c);
      return c.asImap;
    },
    ...over,
  });
  const events = (name: string) => records.filter((r) => r.event === name);
  /** When each call `what` was made, in ms after T0, over all connections. */
  const at = (what: string) => clients.flatMap((c) => c.calls.filter((x) => x.what === what).map((x) => x.at - t0));
  const stop = async () => {
    await w.stop();
    db.$client.close();
  };
  return { clock, w, clients, events, at, stop };
}

test('reconnects after 200, 400, 800 ms, doubling up to the 2 s cap: each attempt exactly when the fake clock reaches it', async () => {
  const t = watcher([{ refuse: refused() }]);
  t.w.start();
  await t.clock.advanceAsync(0);
  expect(t.at('connect')).toEqual([0]);
  // Waits 200, 400, 800, 1600, then 2000 (the cap) each: attempts at 0, 200, 600, 1400, 3000, 5000 ms.
  for (const [wait, attempts] of [
    [200, [0, 200]],
    [400, [0, 200, 600]],
    [800, [0, 200, 600, 1400]],
    [1600, [0, 200, 600, 1400, 3000]],
    [2000, [0, 200, 600, 1400, 3000, 5000]],
  ] as const) {
    await t.clock.advanceAsync(wait - 1);
    expect(t.at('connect')).toEqual(attempts.slice(0, -1)); // 1 ms early: not yet
    await t.clock.advanceAsync(1);
    expect(t.at('connect')).toEqual(attempts);
  }
  expect(t.events('imap.reconnect').map((e) => e.inMs)).toEqual([200, 400, 800, 1600, 2000, 2000]);
  expect(t.events('imap.error').map((e) => (e.err as { code: string }).code)).toEqual(Array(6).fill('ECONNREFUSED'));
  await t.stop(); // stops in the middle of the 2 s wait, at once
  expect(t.clock.pending()).toBe(0);
  await t.clock.advanceAsync(10_000);
  expect(t.at('connect')).toHaveLength(6);
});

test('a connection that fails is closed before the next is made (imapflow leaves a failed login\'s socket open)', async () => {
  const t = watcher([{ refuse: Object.assign(new Error('Command failed'), { authenticationFailed: true }) }]);
  t.w.start();
  await t.clock.advanceAsync(0);
  await t.clock.advanceAsync(200);
  // Each of the two clients: connect, then close at the same fake time (the failure), before the next connect.
  expect(t.clients.map((c) => c.calls.map((x) => `${x.what}@${x.at - t.clock.now().getTime() + 200}`))).toEqual([['connect@0', 'close@0'], ['connect@200', 'close@200']]);
  await t.stop();
});

test('stopped while connecting: the connect cut short is logged as no error, and nothing reconnects', async () => {
  const t = watcher([{ hang: true }]);
  t.w.start();
  await t.clock.advanceAsync(0);
  expect(t.at('connect')).toEqual([0]);
  await t.stop();
  expect(t.events('imap.error')).toEqual([]);
  expect(t.events('imap.reconnect')).toEqual([]);
  expect(t.clock.pending()).toBe(0);
});

test('a session that lasted longer than the cap starts the backoff again from 200 ms; a short one does not', async () => {
  // Connection 1 refused; 2 up for 1 s; 3 up for 2.5 s (longer than max 2 s); 4 and on refused.
  const t = watcher([{ refuse: refused() }, {}, {}, { refuse: refused() }]);
  t.w.start();
  await t.clock.advanceAsync(200); // connection 2 at 200
  expect(t.at('connect')).toEqual([0, 200]);
  await t.clock.advanceAsync(1000);
  t.clients[1].close(); // the server drops it at 1200: next wait 400 (the backoff went on)
  await t.clock.advanceAsync(400); // connection 3 at 1600
  await t.clock.advanceAsync(2500);
  t.clients[2].close(); // dropped at 4100 after 2.5 s up: next wait 200 again
  await t.clock.advanceAsync(200);
  expect(t.at('connect')).toEqual([0, 200, 1600, 4300]);
  expect(t.events('imap.reconnect').map((e) => e.inMs)).toEqual([200, 400, 200, 400]);
  await t.stop();
});

test('messages deferred by a transient fault are scanned for again after 200, 400, 800 ms; a scan that defers nothing resets the delay', async () => {
  let faults = 3;
  const receive = jest.fn(async () => (faults-- > 0 ? Promise.reject(busy()) : ({} as Received)));
  const t = watcher([{ messages: new Map([[1, Buffer.from('Subject: one\r\n\r\nbody\r\n')]]) }], { receive });
  t.w.start();
  await t.clock.advanceAsync(0);
  expect(t.at('search')).toEqual([0]);
  await t.clock.advanceAsync(1399);
  expect(t.at('search')).toEqual([0, 200, 600]); // the 4th scan is due at 600 + 800 = 1400
  await t.clock.advanceAsync(1);
  expect(t.at('search')).toEqual([0, 200, 600, 1400]);
  expect(t.events('intake.retry.scheduled').map((e) => e.inMs)).toEqual([200, 400, 800]);
  expect(t.events('intake.message.deferred')).toHaveLength(3);
  // Taken at the 4th scan: moved to Stored then; no rescan is left waiting.
  expect(t.clients[0].calls.filter((c) => c.what === 'move').map((c) => [c.at - Date.parse(T0), ...c.args!])).toEqual([[1400, '1', 'Stored']]);
  expect(t.clock.pending()).toBe(0);
  // A new message, one fault: its rescan waits 200 ms again, not 1600.
  faults = 1;
  t.clients[0].messages.set(2, Buffer.from('Subject: two\r\n\r\nbody\r\n'));
  t.clients[0].emit('exists');
  await t.clock.advanceAsync(200);
  expect(t.events('intake.retry.scheduled').map((e) => e.inMs)).toEqual([200, 400, 800, 200]);
  expect(t.at('search')).toEqual([0, 200, 600, 1400, 1400, 1600]);
  await t.stop();
  expect(receive).toHaveBeenCalledTimes(6); // 3 faults + message 1 + 1 fault + message 2
});

test('without IDLE the folder is polled every poll_seconds, and the poll timer ends with the watcher', async () => {
  const t = watcher([{ idle: false }]);
  t.w.start();
  await t.clock.advanceAsync(0);
  // poll_seconds is 60 for the test mailbox: scans at 0, 60 s, 120 s, 180 s.
  await t.clock.advanceAsync(180_000);
  expect(t.at('search')).toEqual([0, 60_000, 120_000, 180_000]);
  expect(t.clock.pending()).toBe(1); // the poll
  await t.stop();
  expect(t.clock.pending()).toBe(0);
  await t.clock.advanceAsync(600_000);
  expect(t.at('search')).toHaveLength(4);
});
