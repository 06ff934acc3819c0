import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

  get(hash: string): Buffer {
    return fs.readFileSync(this.pathOf(hash));
  }
}
