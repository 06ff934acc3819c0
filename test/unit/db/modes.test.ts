/** Modes of the data files whatever the umask: the -wal and -shm files exist only while the database is open. */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openDb } from '../../../src/db/open';
import { BlobStore } from '../../../src/storage/blobs';
import { tmpDir } from '../../support/env';

const mode = (f: string) => (fs.statSync(f).mode & 0o777).toString(8);

test.each(['000', '077'])('umask %s: database, -wal, -shm 0640; blobs 0640 in 0750 folders; data_dir and the folders above it that were made 0750', async (umask) => {
  const before = process.umask(parseInt(umask, 8));
  try {
    const dataDir = path.join(tmpDir('modes'), 'srv', 'data');
    const db = openDb(dataDir, { migrate: true });
    db.$client.prepare("INSERT INTO counters (scope, value) VALUES ('modes', 1)").run();
    const file = path.join(dataDir, 'helpdesk.sqlite');
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['640', '640', '640']);
    db.$client.close();
    expect([mode(dataDir), mode(path.dirname(dataDir))]).toEqual(['750', '750']);

    const blobs = new BlobStore(path.join(dataDir, 'attachments'));
    const written = await blobs.write(Buffer.from('in memory'));
    const streamed = await blobs.putStream(Readable.from([Buffer.from('streamed')]), 100);
    for (const b of [written, streamed]) expect([mode(blobs.pathOf(b.sha256)), mode(path.dirname(blobs.pathOf(b.sha256)))]).toEqual(['640', '750']);
    expect(mode(path.join(dataDir, 'attachments'))).toBe('750');
  } finally {
    process.umask(before);
  }
});
