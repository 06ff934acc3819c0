/**
 * The daemon's own schedule on the fake clock: the outbox pass at start and
 * every outbox.poll_seconds, the calendar check at start and every 24 h;
 * after stop() no timer is left and nothing runs.
 */
import { FakeClock } from '../../src/clock';
import { loadConfig } from '../../src/config/load';
import { buildServices, Daemon } from '../../src/daemon';
import { tmpDir } from '../support/env';
import { cliConfig } from '../support/cli';
import { silent } from '../support/services';

test('the outbox is flushed at start and every poll_seconds, the calendars checked daily; stop() clears both', async () => {
  const config = loadConfig(cliConfig(tmpDir('daemon'), 'outbox: {poll_seconds: 5}\n'), { env: { CLI_TEST_PW: 'x' } });
  const clock = new FakeClock('2026-11-20T09:00:00Z');
  const services = buildServices(config, clock, silent);
  const flush = jest.spyOn(services.outbox, 'flush');
  // No watchers started: this test is about the daemon's timers (the watchers' have their own test).
  const daemon = new Daemon(config, { ...services, watchers: [] }, clock, silent);
  const check = jest.spyOn(daemon, 'checkCalendars');
  daemon.start();
  expect([flush.mock.calls.length, check.mock.calls.length]).toEqual([1, 1]);
  clock.advance(4999);
  expect(flush).toHaveBeenCalledTimes(1);
  clock.advance(1);
  expect(flush).toHaveBeenCalledTimes(2); // at 5 s
  clock.advance(10_000);
  expect(flush).toHaveBeenCalledTimes(4); // at 10 s and 15 s
  // 24 h after the start: the second calendar check; the outbox ran every 5 s meanwhile (17 280 periods in a day).
  clock.advance(24 * 3600_000 - 15_000 - 1);
  expect(check).toHaveBeenCalledTimes(1);
  clock.advance(1);
  expect(check).toHaveBeenCalledTimes(2);
  expect(flush).toHaveBeenCalledTimes(1 + 17_280);
  expect(clock.pending()).toBe(2); // the two intervals
  await daemon.stop();
  expect(clock.pending()).toBe(0);
  clock.advance(3 * 24 * 3600_000);
  expect(flush).toHaveBeenCalledTimes(1 + 17_280);
  expect(check).toHaveBeenCalledTimes(2);
});
