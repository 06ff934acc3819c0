/**
 * Never lose a mail: a message that makes processing fail is kept raw with
 * its error and moved to the quarantine folder, the others go on, the daemon
 * keeps running, and `helpdesk quarantine retry` processes it once fixed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildMail } from '../support/mails';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { cli, daemonEnv, exited, logEvents, query, root, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, countIn } from '../support/imap';

jest.setTimeout(90_000);
const mx = useMailServers();

test('a failing message goes to quarantine, the rest are registered, a retry after the fix releases it', async () => {
  const dir = tmpDir('quarantine');
  const dataDir = path.join(dir, 'data');
  const tpl = path.join(dir, 'tpl');
  fs.cpSync(path.join(root, 'templates'), tpl, { recursive: true });
  const good = fs.readFileSync(path.join(tpl, 'registration.ru.hbs'), 'utf8');
  // A template bug that only mails with a display name in From trigger.
  fs.writeFileSync(path.join(tpl, 'registration.ru.hbs'), `{{#if customerName}}{{customerName.oops}}{{/if}}${good}`);
  const config = writeConfig(dir, mx.servers, { dataDir, templatesDir: tpl });
  const log = path.join(dir, 'daemon.log');
  const bad = buildMail({ from: `Иван <${CUSTOMER.address}>`, to: SUPPORT.address, subject: 'С именем', body: 'x' });
  const ok = [1, 2].map((i) => buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: `Без имени ${i}`, body: 'y' }));
  await append(mx.servers, SUPPORT, 'INBOX', [ok[0].raw, bad.raw, ok[1].raw]);

  const daemon = startDaemon(config, log);
  try {
    await waitFor('the inbox emptied', async () => (await countIn(mx.servers, SUPPORT, 'INBOX')) === 0, 30_000, 200);
    expect(query(dataDir, 'SELECT number FROM tickets')).toHaveLength(2);
    expect(await countIn(mx.servers, SUPPORT, 'Helpdesk/Quarantine')).toBe(1);
    const [held] = query<{ id: number; status: string; subject: string; error: string; raw_sha256: string }>(dataDir, 'SELECT * FROM quarantine');
    expect(held).toMatchObject({ status: 'held', subject: 'С именем', error: expect.stringContaining("'oops'") });
    expect(fs.readFileSync(path.join(dataDir, 'raw', held.raw_sha256.slice(0, 2), held.raw_sha256))).toEqual(bad.raw);
    expect(logEvents(log).filter((e) => e.event === 'intake.message.quarantined')).toHaveLength(1);

    // The fix, then a retry from the command line while the daemon runs.
    fs.writeFileSync(path.join(tpl, 'registration.ru.hbs'), good);
    const list = spawnSync(process.execPath, [cli, 'quarantine', 'list', '--config', config], { env: daemonEnv, encoding: 'utf8' });
    expect(list.stdout).toContain('С именем');
    const retry = spawnSync(process.execPath, [cli, 'quarantine', 'retry', '--all', '--config', config], { env: daemonEnv, encoding: 'utf8' });
    expect(retry.status).toBe(0);
    expect(JSON.parse(retry.stdout.trim())).toMatchObject({ id: held.id, released: true, outcome: 'created', ticketNumber: expect.stringMatching(/000003$/) });
    expect(query<{ status: string; retries: number }>(dataDir, 'SELECT status, retries FROM quarantine')[0]).toEqual({ status: 'released', retries: 1 });
    expect(spawnSync(process.execPath, [cli, 'quarantine', 'list', '--config', config], { env: daemonEnv, encoding: 'utf8' }).stdout).toContain('nothing held in quarantine');
    expect(daemon.exitCode).toBeNull(); // a bad message never stops the daemon
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
