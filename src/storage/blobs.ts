import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FILE_MODE, makeDir } from './modes';

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * Content-addressed files: <dir>/<aa>/<sha256>. Writing the same content twice
 * is a no-op; a write is atomic (temp file, fsync, rename), so a crash never
 * leaves a half-written blob under its final name. Files and folders get
 * the data modes (see modes.ts).
 */
export class BlobStore {
  /** Fan-out directories known to exist (at most 256). */
  private readonly made = new Set<string>();

  constructor(private readonly dir: string) {}

  pathOf(hash: string): string {
    return path.join(this.dir, hash.slice(0, 2), hash);
  }

  /**
   * Stores bytes under their hash. The file calls (open, write, fsync,
   * rename) run in libuv's pool, so parsing and the database go on meanwhile.
   */
  async write(data: Buffer): Promise<{ sha256: string; size: number }> {
    const hash = sha256(data);
    const file = this.pathOf(hash);
    if (!(await exists(file))) {
      await this.mkdir(path.dirname(file));
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      try {
        const fh = await fsp.open(tmp, 'w', FILE_MODE);
        try {
          await fh.chmod(FILE_MODE); // the umask may have taken bits away
          await fh.writeFile(data);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fsp.rename(tmp, file);
      } catch (err) {
        await fsp.rm(tmp, { force: true }); // a full disk must not keep half a file
        throw err;
      }
    }
    return { sha256: hash, size: data.length };
  }

  /**
   * Writes a stream as it comes, hashing along the way: memory stays flat
   * whatever the size. Past maxBytes the bytes are read and dropped, and
   * nothing is kept (kept: false); size and hash are those of the whole stream.
   * The file calls run off the main thread, as in write().
   */
  async putStream(stream: Readable, maxBytes: number): Promise<{ sha256: string; size: number; kept: boolean }> {
    await this.mkdir(this.dir);
    const tmp = path.join(this.dir, `incoming.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    let fh: fsp.FileHandle | null = await fsp.open(tmp, 'w', FILE_MODE);
    try {
      await fh.chmod(FILE_MODE); // the umask may have taken bits away
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        hash.update(buf);
        size += buf.length;
        if (fh !== null && size > maxBytes) {
          await fh.close();
          fh = null;
          await fsp.rm(tmp, { force: true });
        }
        if (fh !== null) await fh.write(buf);
      }
      const sha = hash.digest('hex');
      if (fh === null) return { sha256: sha, size, kept: false };
      await fh.sync();
      await fh.close();
      fh = null;
      const file = this.pathOf(sha);
      if (await exists(file)) await fsp.rm(tmp);
      else {
        await this.mkdir(path.dirname(file));
        await fsp.rename(tmp, file);
      }
      return { sha256: sha, size, kept: true };
    } catch (err) {
      if (fh !== null) await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  private async mkdir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await makeDir(dir);
    this.made.add(dir);
  }

  get(hash: string): Buffer {
    return fs.readFileSync(this.pathOf(hash));
  }
}

function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}
