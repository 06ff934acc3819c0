/** Faults on real mx.servers: SMTP down, IMAP server restarted, folder recreated (new UIDVALIDITY), config reloaded. */
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail } from '../support/mails';
import { exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, clearFolder, countIn, createFolder, messagesIn, recreateFolder } from '../support/imap';

jest.setTimeout(120_000);


const mx = useMailServers();
afterEach(async () => {
  // A test may end while Postfix still delivers its replies (the IMAP-restart test leaves up to 1,501):
  // let them arrive before clearing, or they land in the next test's count.
  await waitFor('Postfix queue to drain', async () => (await mx.servers.queued()) === 0, 90_000, 200);
  for (const f of ['INBOX', 'Stored']) await clearFolder(mx.servers, SUPPORT, f);
  await clearFolder(mx.servers, CUSTOMER);
});

function setup(name: string, o: Partial<Parameters<typeof writeConfig>[2]> = {}) {
  const dir = tmpDir(name);
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir, ...o });
  const log = path.join(dir, 'daemon.log');
  const tickets = () => query<{ number: string }>(dataDir, 'SELECT number FROM tickets ORDER BY seq');
  return { dir, dataDir, config, log, tickets };
}

const mail = (subject: string) => buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject, body: `${subject}: подробности` });

test('while SMTP is down the replies wait in the outbox, retried with backoff, and go out when it is back', async () => {
  const s = setup('smtpdown');
  await mx.servers.stopPostfix();
  const daemon = startDaemon(s.config, s.log);
  try {
    await append(mx.servers, SUPPORT, 'INBOX', [mail('first').raw, mail('second').raw]);
    await waitFor('2 requests', () => s.tickets().length === 2);
    const retries = await waitFor('two failed attempts each', () => {
      const rows = query<{ attempts: number; status: string; last_error: string }>(s.dataDir, 'SELECT attempts, status, last_error FROM outbox');
      return rows.length === 2 && rows.every((r) => r.attempts >= 2) ? rows : undefined;
    }, 30_000, 200);
    expect(retries.every((r) => r.status === 'pending' && /ECONNREFUSED/.test(r.last_error))).toBe(true);
    expect(logEvents(s.log).filter((e) => e.event === 'outbox.retry').length).toBeGreaterThanOrEqual(4);
    await mx.servers.startPostfix();
    const replies = await waitFor('2 replies', async () => {
      const got = await messagesIn(mx.servers, CUSTOMER);
      return got.length === 2 ? got : undefined;
    }, 30_000, 300);
    const subjects = await Promise.all(replies.map(async (r) => (await simpleParser(r.raw)).subject));
    expect(subjects.sort()).toEqual(s.tickets().map((t, i) => `[${t.number}] ${['first', 'second'][i]}`).sort());
    expect(query<{ status: string }>(s.dataDir, 'SELECT status FROM outbox').map((r) => r.status)).toEqual(['sent', 'sent']);
  } finally {
    await mx.servers.startPostfix().catch(() => undefined);
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});

test('when the IMAP server goes away in the middle of a batch the daemon reconnects with backoff, then carries on: nothing lost, nothing twice', async () => {
  const s = setup('imapdown');
  const N = 1500; // intake takes ~10 s for these: Dovecot goes down long before the end
  const batch = Array.from({ length: N }, (_, i) => mail(`batch ${i + 1}`));
  await append(mx.servers, SUPPORT, 'INBOX', batch.map((m) => m.raw));
  const daemon = startDaemon(s.config, s.log);
  try {
    await waitFor('a few requests', () => s.tickets().length >= 3, 60_000, 5);
    let atStop: number;
    try {
      await mx.servers.stopDovecot();
      atStop = s.tickets().length;
      const delays = await waitFor('3 reconnect attempts', () => {
        const d = logEvents(s.log).filter((e) => e.event === 'imap.reconnect').map((e) => e.inMs as number);
        return d.length >= 3 ? d : undefined;
      }, 30_000, 100);
      expect(delays.slice(0, 3)).toEqual([200, 400, 800]); // reconnect.initial_seconds 0.2, doubling
    } finally {
      await mx.servers.startDovecot(); // whatever happened, the next tests need it
    }
    expect(atStop).toBeLessThan(N); // it stopped in the middle
    console.log(`Dovecot stopped with ${atStop} of ${N} registered`);
    await append(mx.servers, SUPPORT, 'INBOX', [mail('after the restart').raw]);
    await waitFor('all requests', () => s.tickets().length === N + 1, 90_000);
    expect(logEvents(s.log).filter((e) => e.event === 'imap.connected').length).toBeGreaterThanOrEqual(2);
    const perMail = query<{ n: number }>(s.dataDir, "SELECT count(*) AS n FROM messages WHERE direction = 'in' GROUP BY message_id");
    expect(perMail).toHaveLength(N + 1);
    expect(perMail.every((r) => r.n === 1)).toBe(true);
    await waitFor('the inbox to be empty', async () => (await countIn(mx.servers, SUPPORT, 'INBOX')) === 0, 30_000, 200);
    expect(await countIn(mx.servers, SUPPORT, 'Stored')).toBe(N + 1);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});

test('flag mode: a folder recreated with a new UIDVALIDITY is rescanned without duplicating a request', async () => {
  const s = setup('uidvalidity', { after: 'flag', folder: 'Support' });
  const folder = 'Support';
  await createFolder(mx.servers, SUPPORT, folder);
  const batch = [mail('one'), mail('two'), mail('three')];
  await append(mx.servers, SUPPORT, folder, batch.map((m) => m.raw));
  const flagged = async () => (await messagesIn(mx.servers, SUPPORT, folder)).filter((m) => m.flags.has('$HelpdeskStored')).length;

  let daemon = startDaemon(s.config, s.log);
  await waitFor('3 flagged', async () => (await flagged()) === 3, 30_000, 200);
  daemon.kill('SIGTERM');
  expect((await exited(daemon)).code).toBe(0);
  expect(s.tickets()).toHaveLength(3);
  const before = query<{ uid_validity: number; last_uid: number }>(s.dataDir, 'SELECT uid_validity, last_uid FROM mailbox_state')[0];
  expect(before.last_uid).toBe(3);

  const { before: oldV, after: newV } = await recreateFolder(mx.servers, SUPPORT, folder);
  expect(newV).not.toBe(oldV);
  expect(Number(oldV)).toBe(before.uid_validity);
  await append(mx.servers, SUPPORT, folder, [...batch.map((m) => m.raw), mail('four').raw]);

  daemon = startDaemon(s.config, s.log);
  try {
    await waitFor('4 flagged', async () => (await flagged()) === 4, 30_000, 200);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
  expect(s.tickets()).toHaveLength(4);
  const events = logEvents(s.log);
  expect(events.filter((e) => e.event === 'imap.uidvalidity.changed')).toEqual([expect.objectContaining({ was: Number(oldV), now: Number(newV) })]);
  expect(events.filter((e) => e.event === 'intake.message.duplicate')).toHaveLength(3);
  expect(query<{ uid_validity: number }>(s.dataDir, 'SELECT uid_validity FROM mailbox_state')[0].uid_validity).toBe(Number(newV));
  await clearFolder(mx.servers, SUPPORT, folder);
});

test('SIGHUP reloads the config; a broken config is refused and the daemon keeps running', async () => {
  const s = setup('reload', { language: 'ru' });
  const daemon = startDaemon(s.config, s.log);
  try {
    await append(mx.servers, SUPPORT, 'INBOX', [mail('по-русски').raw]);
    await waitFor('reply 1', async () => (await messagesIn(mx.servers, CUSTOMER)).length === 1, 30_000, 200);

    const good = fs.readFileSync(s.config, 'utf8');
    fs.writeFileSync(s.config, good.replace('language: ru', 'language: en'));
    daemon.kill('SIGHUP');
    await waitFor('reloaded', () => logEvents(s.log).some((e) => e.event === 'daemon.reloaded'), 30_000);
    await append(mx.servers, SUPPORT, 'INBOX', [mail('in English').raw]);
    const replies = await waitFor('reply 2', async () => {
      const got = await messagesIn(mx.servers, CUSTOMER);
      return got.length === 2 ? got : undefined;
    }, 30_000, 200);
    const texts = await Promise.all(replies.map(async (r) => (await simpleParser(r.raw)).text ?? ''));
    expect(texts.some((t) => t.includes('Регистрационный номер'))).toBe(true);
    expect(texts.some((t) => t.includes('Registration number'))).toBe(true);

    fs.writeFileSync(s.config, good.replace('language: ru', 'language: klingon'));
    daemon.kill('SIGHUP');
    const failed = await waitFor('reload refused', () => logEvents(s.log).find((e) => e.event === 'daemon.reload.failed'), 30_000);
    expect(JSON.stringify(failed)).toContain('mailboxes[0].language');
    await append(mx.servers, SUPPORT, 'INBOX', [mail('still running').raw]);
    await waitFor('request 3', () => s.tickets().length === 3, 30_000);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
