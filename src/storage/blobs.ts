import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * Content-addressed files: <dir>/<aa>/<sha256>. Writing the same content twice
 * is a no-op; a write is atomic (temp file, fsync, rename), so a crash never
 * leaves a half-written blob under its final name.
 */
export class BlobStore {
  constructor(private readonly dir: string) {}

  pathOf(hash: string): string {
    return path.join(this.dir, hash.slice(0, 2), hash);
  }

  put(data: Buffer): { sha256: string; size: number } {
    const hash = sha256(data);
    const file = this.pathOf(hash);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      try {
        const fd = fs.openSync(tmp, 'w', 0o640);
        try {
          fs.writeFileSync(fd, data);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(tmp, file);
      } catch (err) {
        fs.rmSync(tmp, { force: true }); // a full disk must not keep half a file
        throw err;
      }
    }
    return { sha256: hash, size: data.length };
  }

  /**
   * Writes a stream as it comes, hashing along the way: memory stays flat
   * whatever the size. Past maxBytes the bytes are read and dropped, and
   * nothing is kept (kept: false); size and hash are those of the whole stream.
   */
  async putStream(stream: Readable, maxBytes: number): Promise<{ sha256: string; size: number; kept: boolean }> {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `incoming.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    let fd: number | null = fs.openSync(tmp, 'w', 0o640);
    try {
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        hash.update(buf);
        size += buf.length;
        if (fd !== null && size > maxBytes) {
          fs.closeSync(fd);
          fd = null;
          fs.rmSync(tmp, { force: true });
        }
        if (fd !== null) fs.writeFileSync(fd, buf);
      }
      const sha = hash.digest('hex');
      if (fd === null) return { sha256: sha, size, kept: false };
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = null;
      const file = this.pathOf(sha);
      if (fs.existsSync(file)) fs.rmSync(tmp);
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.renameSync(tmp, file);
      }
      return { sha256: sha, size, kept: true };
    } catch (err) {
      if (fd !== null) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  get(hash: string): Buffer {
    return fs.readFileSync(this.pathOf(hash));
  }
}
