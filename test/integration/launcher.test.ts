/**
 * `helpdesk start` through the real launcher, which forces no exit: after
 * SIGTERM the daemon finishes, closes what it opened (IMAP, SMTP pool,
 * database, its timers) and the process ends by itself — after mail went
 * both ways, in the middle of a reload, and while it waits to reconnect to
 * an IMAP server that is down. A handle left open keeps it running past
 * the 20 s and fails the test.
 */
import path from 'node:path';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail } from '../support/mails';
import { append, clearFolder, countIn } from '../support/imap';
import { exitsWithin, logEvents, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';

jest.setTimeout(120_000);
const LIMIT_MS = 20_000;

const mx = useMailServers();
afterEach(async () => {
  for (const f of ['INBOX', 'Stored']) await clearFolder(mx.servers, SUPPORT, f);
  await clearFolder(mx.servers, CUSTOMER);
});

function setup(name: string, servers = mx.servers) {
  const dir = tmpDir(`launcher-${name}`);
  const log = path.join(dir, 'daemon.log');
  const config = writeConfig(dir, servers, { dataDir: path.join(dir, 'data') });
  const events = () => logEvents(log).map((e) => e.event);
  const has = (event: string, n = 1) => () => events().filter((e) => e === event).length >= n;
  return { log, config, events, has };
}

async function stopped(daemon: ReturnType<typeof startDaemon>, events: () => (string | undefined)[]) {
  daemon.kill('SIGTERM');
  const r = await exitsWithin(daemon, LIMIT_MS, 'helpdesk start after SIGTERM');
  expect(r).toMatchObject({ code: 0, signal: null });
  expect(events().slice(-3)).toEqual(['daemon.signal', 'daemon.stopping', 'daemon.stopped']);
}

test('after a mail in and its reply out, SIGTERM: the process ends by itself, exit 0', async () => {
  const s = setup('mail');
  const daemon = startDaemon(s.config, s.log);
  await waitFor('imap.watching', s.has('imap.watching'), 30_000);
  await append(mx.servers, SUPPORT, 'INBOX', [buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'launcher', body: 'hello' }).raw]);
  await waitFor('the registration reply sent', s.has('outbox.sent'), 30_000);
  await waitFor('the reply delivered', async () => (await countIn(mx.servers, CUSTOMER, 'INBOX')) === 1, 30_000, 200);
  await stopped(daemon, s.events);
});

test('SIGTERM while a SIGHUP reload is connecting the new watcher: ends by itself, exit 0', async () => {
  const s = setup('reload');
  const daemon = startDaemon(s.config, s.log);
  await waitFor('imap.watching', s.has('imap.watching'), 30_000);
  daemon.kill('SIGHUP');
  await waitFor('the second start', s.has('daemon.started', 2), 30_000, 5);
  await stopped(daemon, s.events);
  expect(s.events()).toContain('daemon.reloaded');
});

test('SIGTERM while waiting to reconnect to an IMAP server that is down: ends by itself, exit 0', async () => {
  const s = setup('imapdown', { ...mx.servers, imapPort: 1 }); // nothing listens on port 1
  const daemon = startDaemon(s.config, s.log);
  await waitFor('two reconnect waits', s.has('imap.reconnect', 2), 30_000);
  await stopped(daemon, s.events);
});
