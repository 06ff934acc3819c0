/**
 * A 40 MB message (a 29 MB log, base64-encoded) through the real servers:
 * registered, its attachment stored intact, and the daemon's peak memory
 * grows by less than 3 × the attachment: the message is streamed to disk as it
 * is fetched, parsed from there, and the attachment streamed into its store.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CUSTOMER, SUPPORT, useMailServers } from '../support/servers';
import { buildMail } from '../support/mails';
import { exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { append, clearFolder } from '../support/imap';

jest.setTimeout(180_000);

const mx = useMailServers();
afterEach(async () => {
  for (const f of ['INBOX', 'Stored']) await clearFolder(mx.servers, SUPPORT, f);
  await clearFolder(mx.servers, CUSTOMER);
});

/** Peak resident memory of a process so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
  return Number(kb) * 1024;
}

test('a 40 MB message is registered with its 29 MB attachment; peak memory grows by less than 3 × the attachment', async () => {
  const dir = tmpDir('large');
  const dataDir = path.join(dir, 'data');
  const config = writeConfig(dir, mx.servers, { dataDir, attachmentMaxBytes: 64 * 1024 * 1024 });
  const content = Buffer.from(crypto.randomBytes(22 * 1024 * 1024).toString('base64').slice(0, 29 * 1024 * 1024)); // text-like, incompressible
  const m = buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'Большой лог', body: 'Лог во вложении.', attachment: { filename: 'server.log', contentType: 'text/plain', content } });
  expect(m.raw.length).toBeGreaterThan(39 * 1024 * 1024);
  const small = buildMail({ from: CUSTOMER.address, to: SUPPORT.address, subject: 'warm-up', body: 'x' });
  const daemon = startDaemon(config, path.join(dir, 'daemon.log'));
  try {
    // Warm up on a small message, so the baseline includes everything loaded once.
    await append(mx.servers, SUPPORT, 'INBOX', [small.raw]);
    await waitFor('the warm-up request', () => query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM tickets')[0]?.n === 1, 60_000, 100);
    await new Promise((r) => setTimeout(r, 500));
    const before = peakRss(daemon.pid!);
    await append(mx.servers, SUPPORT, 'INBOX', [m.raw]);
    await waitFor('the large request', () => query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM tickets')[0]?.n === 2, 120_000, 200);
    const growth = peakRss(daemon.pid!) - before;
    const [a] = query<{ sha256: string; size: number; stored: number }>(dataDir, "SELECT sha256, size, stored FROM attachments WHERE filename = 'server.log'");
    expect(a).toEqual({ sha256: crypto.createHash('sha256').update(content).digest('hex'), size: content.length, stored: 1 });
    expect(fs.statSync(path.join(dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256)).size).toBe(content.length);
    // The raw message is stored byte for byte under its hash.
    const [raw] = query<{ raw_sha256: string; raw_size: number }>(dataDir, "SELECT raw_sha256, raw_size FROM messages WHERE subject = 'Большой лог'");
    expect(raw).toEqual({ raw_sha256: crypto.createHash('sha256').update(m.raw).digest('hex'), raw_size: m.raw.length });
    console.log(`40 MB message: peak RSS ${Math.round(before / 2 ** 20)} MB → +${Math.round(growth / 2 ** 20)} MB for a ${Math.round(content.length / 2 ** 20)} MB attachment (${(growth / content.length).toFixed(1)}×)`);
    // The message streams from IMAP into the raw store in 1 MB pieces, is parsed from there, and its attachment
    // streams into the attachment store: nothing holds it whole. Measured: about 2 × the attachment.
    expect(growth).toBeLessThan(3 * content.length);
  } finally {
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
