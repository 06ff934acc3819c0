/**
 * Faults injected on real servers: SIGTERM in the middle of a batch, the
 * database locked by another process, the disk full. In each case no mail is
 * lost or half-done: what was not finished waits in the mailbox untouched.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail } from '../support/mails';
import { exited, logEvents, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, clearFolder, countIn, messagesIn } from '../support/imap';

jest.setTimeout(180_000);

const mx = useMailServers();
afterEach(async () => {
  for (const f of ['INBOX', 'Stored']) await clearFolder(mx.servers, SUPPORT, f);
  await clearFolder(mx.servers, CUSTOMER);
});

function setup(name: string, dataDir?: string) {
  const dir = tmpDir(name);
  const data = dataDir ?? path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir: data });
  const tickets = () => query<{ n: number }>(data, 'SELECT count(*) AS n FROM tickets')[0]?.n ?? 0;
  return { dir, dataDir: data, config, log: path.join(dir, 'daemon.log'), tickets };
}

const mail = (subject: string) => buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject, body: `${subject}: details` });

test('SIGTERM mid-batch: the message and the reply in flight finish, the daemon exits 0 within 5 s, nothing is half-done', async () => {
  const s = setup('sigterm');
  const N = 120;
  await append(mx.servers, SUPPORT, 'INBOX', Array.from({ length: N }, (_, i) => mail(`Batch ${i + 1}`).raw));
  const daemon = startDaemon(s.config, s.log);
  await waitFor('a few requests', () => s.tickets() >= 10, 60_000, 5);
  const t0 = performance.now();
  daemon.kill('SIGTERM');
  const { code } = await exited(daemon);
  const tookMs = performance.now() - t0;
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(5000);
  const registered = s.tickets();
  expect(registered).toBeLessThan(N); // it stopped taking mail
  // Every stored message left the inbox; every other one is still there, untouched.
  expect(await countIn(mx.servers, SUPPORT, 'Stored')).toBe(registered);
  const waiting = await messagesIn(mx.servers, SUPPORT);
  expect(waiting).toHaveLength(N - registered);
  expect(waiting.filter((m) => m.flags.size > 0)).toEqual([]);
  expect(query<{ n: number }>(s.dataDir, 'SELECT count(*) AS n FROM outbox')[0].n).toBe(registered);
  const events = logEvents(s.log);
  const stopping = events.findIndex((e) => e.event === 'daemon.stopping');
  expect(events.slice(stopping).filter((e) => e.event === 'intake.message.stored').length).toBeLessThanOrEqual(1);
  // The replies in flight finish: at most one per SMTP connection (smtp.max_connections, 4 by default).
  expect(events.slice(stopping).filter((e) => e.event === 'outbox.sent').length).toBeLessThanOrEqual(4);
  expect(events.at(-1)!.event).toBe('daemon.stopped');

  const again = startDaemon(s.config, s.log);
  try {
    await waitFor('all requests', () => s.tickets() === N, 60_000, 100);
    await waitFor('all replies sent', () => query<{ n: number }>(s.dataDir, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")[0].n === N, 60_000, 200);
  } finally {
    again.kill('SIGTERM');
    expect((await exited(again)).code).toBe(0);
  }
  console.log(`SIGTERM: exit 0 after ${Math.round(tookMs)} ms with ${registered} of ${N} registered; the rest after a restart`);
});

test('database locked by another process: the message waits in the mailbox untouched and is registered once the lock is gone', async () => {
  const s = setup('locked');
  const daemon = startDaemon(s.config, s.log);
  try {
    await append(mx.servers, SUPPORT, 'INBOX', [mail('before the lock').raw]);
    await waitFor('the first reply sent', () => query<{ n: number }>(s.dataDir, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")[0]?.n === 1);
    const holder = new Database(path.join(s.dataDir, 'helpdesk.sqlite'));
    holder.exec('BEGIN EXCLUSIVE');
    try {
      await append(mx.servers, SUPPORT, 'INBOX', [mail('during the lock').raw]);
      // busy_timeout is 5 s: then intake gives up, leaves the mail where it is and tries again later.
      await waitFor('a deferral', () => logEvents(s.log).some((e) => e.event === 'intake.message.deferred'), 30_000, 200);
      const waiting = await messagesIn(mx.servers, SUPPORT);
      expect(waiting).toHaveLength(1);
      expect([...waiting[0].flags]).toEqual([]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await waitFor('the second request', () => s.tickets() === 2, 30_000, 200);
    expect(await countIn(mx.servers, SUPPORT, 'INBOX')).toBe(0);
    const deferred = logEvents(s.log).find((e) => e.event === 'intake.message.deferred') as { err: { code: string } };
    expect(deferred.err.code).toMatch(/^SQLITE_BUSY/);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
  expect(query<{ n: number }>(s.dataDir, "SELECT count(*) AS n FROM messages WHERE direction = 'in'")[0].n).toBe(2);
});

test('disk full: the message waits in the mailbox untouched; once there is room it is registered and answered', async () => {
  const mount = tmpDir('diskfull');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
  try {
    const s = setup('diskfull', path.join(mount, 'data'));
    const daemon = startDaemon(s.config, s.log);
    try {
      await append(mx.servers, SUPPORT, 'INBOX', [mail('plenty of room').raw]);
      await waitFor('the first request', () => s.tickets() === 1);
      const filler = path.join(mount, 'filler');
      const fd = fs.openSync(filler, 'w');
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024, 1));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      // A mail with an attachment: the raw message alone needs room.
      const big = buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'no room', body: 'log attached', attachment: { filename: 'app.log', contentType: 'text/plain', content: Buffer.alloc(200_000, 'x') } });
      await append(mx.servers, SUPPORT, 'INBOX', [big.raw]);
      await waitFor('a deferral', () => logEvents(s.log).some((e) => e.event === 'intake.message.deferred'), 30_000, 200);
      const waiting = await messagesIn(mx.servers, SUPPORT);
      expect(waiting).toHaveLength(1);
      expect([...waiting[0].flags]).toEqual([]);
      expect(s.tickets()).toBe(1);
      fs.rmSync(filler);
      await waitFor('the second request', () => s.tickets() === 2, 30_000, 200);
      await waitFor('both replies sent', () => query<{ n: number }>(s.dataDir, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")[0].n === 2, 30_000, 200);
      const deferred = logEvents(s.log).find((e) => e.event === 'intake.message.deferred') as { err: { code: string } };
      expect(deferred.err.code).toMatch(/^(ENOSPC|SQLITE_FULL)/);
      expect(fs.readdirSync(path.join(s.dataDir, 'raw'), { recursive: true }).filter((f) => String(f).endsWith('.tmp'))).toEqual([]);
    } finally {
      daemon.kill('SIGTERM');
      expect((await exited(daemon)).code).toBe(0);
    }
    expect(query<{ integrity_check: string }>(s.dataDir, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  } finally {
    execFileSync('umount', ['-l', mount]);
  }
});
