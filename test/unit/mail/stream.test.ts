import fs from 'node:fs';
import path from 'node:path';
import { parseEmail, toJson } from '../../../src/mail/parse';
import { BlobStore } from '../../../src/storage/blobs';
import { tmpDir } from '../../support/env';

const dir = path.join(__dirname, '../../fixtures/imap_tools/messages');
const files = fs
  .readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => path.join(dir, f));

test.each(files)('%s: parsed from a file stream with attachments streamed to a store, it reads the same as from memory', async (file) => {
  const store = new BlobStore(tmpDir('stream'));
  const inMemory = await parseEmail(fs.readFileSync(file));
  const streamed = await parseEmail({ file }, { sink: { take: (s) => store.putStream(s, 10_000_000) } });
  expect(toJson(streamed, null)).toEqual(toJson(inMemory, null));
  for (const a of streamed.attachments.filter((x) => x.content === null)) {
    expect(a.kept).toBe(true);
    expect(store.get(a.sha256).length).toBe(a.size);
  }
});

test('over the sink limit an attachment is hashed and measured but not kept, and no temp file is left', async () => {
  const root = tmpDir('stream');
  const store = new BlobStore(root);
  let file = '';
  for (const f of files) if (!file && (await parseEmail(fs.readFileSync(f))).attachments.some((a) => !a.contentType.startsWith('message/') && a.size > 10)) file = f;
  const streamed = await parseEmail({ file }, { sink: { take: (s) => store.putStream(s, 10) } });
  const big = streamed.attachments.filter((a) => a.content === null);
  expect(big.length).toBeGreaterThan(0);
  for (const a of big) expect(a).toMatchObject({ kept: false, size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(fs.readdirSync(root, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
