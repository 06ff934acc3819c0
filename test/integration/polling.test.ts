/** A server without IDLE: the daemon polls at imap.poll_seconds. */
import path from 'node:path';
import { startMailServers, type MailServers } from '../../src/devmail/servers';
import { buildMail } from '../support/mails';
import { exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append } from '../support/imap';

jest.setTimeout(60_000);

const SUPPORT = { address: 'support@example.test', password: 'secret-support' };
let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers([SUPPORT, { address: 'customer@customer.test', password: 'x' }], { noIdle: true });
});
afterAll(async () => {
  await servers?.stop();
});

test('without IDLE, new mail is found by polling', async () => {
  const dir = tmpDir('poll');
  const dataDir = path.join(dir, 'data');
  const log = path.join(dir, 'daemon.log');
  const daemon = startDaemon(writeConfig(dir, servers, { dataDir }), log);
  try {
    const connected = await waitFor('connected', () => logEvents(log).find((e) => e.event === 'imap.connected'), 30_000);
    expect(connected.idle).toBe(false);
    // Arrives after the first scan: only a poll can find it.
    await new Promise((r) => setTimeout(r, 300));
    await append(servers, SUPPORT, 'INBOX', [buildMail({ from: 'customer@customer.test', to: SUPPORT.address, subject: 'polled', body: 'x' }).raw]);
    await waitFor('request registered', () => query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM tickets')[0]?.n === 1, 15_000, 100);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
