/**
 * Spam kept out, on the real Dovecot and Postfix: with intake.spam.trusted,
 * a mail the filter in front marked is moved to the spam folder, opens no
 * request and gets no reply; an honest mail and one whose sender wrote their
 * own "YES" below the filter's "NO" are registered and answered; `helpdesk
 * spam release` then processes the spam as a normal mail, and its reply
 * reaches the customer.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildMail } from '../support/mails';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { cli, daemonEnv, exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, countIn } from '../support/imap';

jest.setTimeout(90_000);
const mx = useMailServers();

const withHeaders = (headers: string[], subject: string) =>
  Buffer.concat([Buffer.from(headers.map((h) => `${h}\r\n`).join('')), buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject, body: 'текст' }).raw]);

test('spam to the spam folder, unanswered; the honest and the forged-below mail answered; a release registers and answers it', async () => {
  const dir = tmpDir('spam');
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir, extra: 'intake:\n  spam:\n    trusted: true\n' });
  const log = path.join(dir, 'daemon.log');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--config', config], { env: daemonEnv, encoding: 'utf8' });
  await append(mx.servers, SUPPORT, 'INBOX', [
    withHeaders(['X-Spam-Flag: YES', 'X-Spam-Status: Yes, score=14.2 required=5.0 tests=BAYES_99'], 'Дешёвые часы'),
    withHeaders([], 'Не работает вход'),
    withHeaders(['X-Spam-Flag: NO', 'X-Spam-Flag: YES'], 'Ошибка 500'),
  ]);
  const daemon = startDaemon(config, log);
  try {
    await waitFor('the inbox emptied', async () => (await countIn(mx.servers, SUPPORT, 'INBOX')) === 0, 30_000, 200);
    expect(await countIn(mx.servers, SUPPORT, 'Helpdesk/Spam')).toBe(1);
    expect(await countIn(mx.servers, SUPPORT, 'Stored')).toBe(2);
    expect(query<{ subject: string }>(dataDir, 'SELECT subject FROM tickets ORDER BY id').map((t) => t.subject)).toEqual(['Не работает вход', 'Ошибка 500']);
    await waitFor('two registration replies delivered', async () => (await countIn(mx.servers, CUSTOMER, 'INBOX')) === 2, 30_000, 200);
    const [spam] = logEvents(log).filter((e) => e.event === 'intake.message.spam');
    expect(spam).toMatchObject({ spamId: 1, verdict: 'X-Spam-Flag: YES', from: CUSTOMER.address });

    const list = run('spam', 'list');
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('Дешёвые часы');
    expect(list.stdout).toContain('X-Spam-Flag: YES');
    expect(JSON.parse(run('spam', 'show', '1').stdout)).toMatchObject({ id: 1, status: 'held', verdict: 'X-Spam-Flag: YES' });
    expect(run('spam', 'show', '9')).toMatchObject({ status: 1, stderr: expect.stringContaining('no spam 9') });

    const released = run('spam', 'release', '1');
    expect(released.status).toBe(0);
    expect(JSON.parse(released.stdout.trim())).toMatchObject({ id: 1, released: true, outcome: 'created', ticketNumber: expect.stringMatching(/000003$/) });
    // The daemon's outbox sends it (the command only queues it): once.
    await waitFor('the released mail answered', async () => (await countIn(mx.servers, CUSTOMER, 'INBOX')) >= 3, 30_000, 200);
    expect(query<{ status: string }>(dataDir, 'SELECT status FROM outbox WHERE ticket_id = 3')).toEqual([{ status: 'sent' }]);
    expect(await countIn(mx.servers, CUSTOMER, 'INBOX')).toBe(3);
    expect(run('spam', 'list').stdout).toContain('no spam held');
    expect(run('spam', 'release', '1')).toMatchObject({ status: 1, stderr: expect.stringContaining('released already') });
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});

/** Each default rule's verdict, and the honest value of the same header next to it. */
const RULES: [string, string][] = [
  ['X-Spam-Flag: YES', 'X-Spam-Flag: NO'],
  ['X-Spam-Status: Yes, score=9.1 required=5.0', 'X-Spam-Status: No, score=0.3 required=5.0'],
  ['X-Spam: Yes', 'X-Spam: No'],
  ['X-Spam-Action: reject', 'X-Spam-Action: no action'],
  ['X-Spam-Action: add header', 'X-Spam-Action: greylist'],
  ['X-Spam-Action: rewrite subject', 'X-Spam-Action: soft reject'],
  ['X-Yandex-Spam: 4', 'X-Yandex-Spam: 1'],
  ['X-Spam-Score: 7.5', 'X-Spam-Score: 4.9'],
  ['X-Rspamd-Score: 9.25', 'X-Rspamd-Score: 5.5'],
];

test('each default rule, on the real servers: its verdict kept as spam in the spam folder, unanswered; the honest value registered; a release answers it', async () => {
  const dir = tmpDir('spam-rules');
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir, extra: 'intake:\n  spam:\n    trusted: true\n' });
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--config', config], { env: daemonEnv, encoding: 'utf8' });
  const before = await countIn(mx.servers, CUSTOMER, 'INBOX');
  const spamBefore = await countIn(mx.servers, SUPPORT, 'Helpdesk/Spam').catch(() => 0); // the folder is made at the daemon's first connect
  await append(mx.servers, SUPPORT, 'INBOX', RULES.flatMap(([spam, honest], i) => [withHeaders([spam], `spam ${i}`), withHeaders([honest], `honest ${i}`)]));
  const daemon = startDaemon(config, path.join(dir, 'daemon.log'));
  try {
    await waitFor('the inbox emptied', async () => (await countIn(mx.servers, SUPPORT, 'INBOX')) === 0, 60_000, 200);
    expect(query<{ verdict: string; subject: string }>(dataDir, 'SELECT verdict, subject FROM spam ORDER BY id')).toEqual(RULES.map(([spam], i) => ({ verdict: spam, subject: `spam ${i}` })));
    expect(query<{ subject: string }>(dataDir, 'SELECT subject FROM tickets ORDER BY id').map((t) => t.subject)).toEqual(RULES.map((_, i) => `honest ${i}`));
    expect(await countIn(mx.servers, SUPPORT, 'Helpdesk/Spam')).toBe(spamBefore + RULES.length);
    await waitFor('the honest mails answered', async () => (await countIn(mx.servers, CUSTOMER, 'INBOX')) === before + RULES.length, 60_000, 200);
    expect(query(dataDir, "SELECT id FROM outbox WHERE subject LIKE '%spam %'")).toEqual([]);

    const yandex = RULES.findIndex(([spam]) => spam.startsWith('X-Yandex-Spam')) + 1;
    expect(JSON.parse(run('spam', 'release', String(yandex)).stdout.trim())).toMatchObject({ released: true, outcome: 'created' });
    await waitFor('the released mail answered', async () => (await countIn(mx.servers, CUSTOMER, 'INBOX')) === before + RULES.length + 1, 60_000, 200);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
