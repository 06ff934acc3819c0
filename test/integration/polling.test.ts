/** A server without IDLE: the daemon polls at imap.poll_seconds. */
import path from 'node:path';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail } from '../support/mails';
import { exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append } from '../support/imap';

jest.setTimeout(60_000);

const mx = useMailServers({ noIdle: true });

test('without IDLE, new mail is found by polling', async () => {
  const dir = tmpDir('poll');
  const dataDir = path.join(dir, 'data');
  const log = path.join(dir, 'daemon.log');
  const daemon = startDaemon(writeConfig(dir, mx.servers, { dataDir }), log);
  try {
    const connected = await waitFor('connected', () => logEvents(log).find((e) => e.event === 'imap.connected'), 30_000);
    expect(connected.idle).toBe(false);
    // Arrives after the first scan: only a poll can find it.
    await new Promise((r) => setTimeout(r, 300));
    await append(mx.servers, SUPPORT, 'INBOX', [buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'polled', body: 'x' }).raw]);
    await waitFor('request registered', () => query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM tickets')[0]?.n === 1, 15_000, 100);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
