import fs from 'node:fs';

/** A message already in the raw store: read from disk when needed, never held whole in memory. */
export interface StoredRaw {
  sha256: string;
  size: number;
  file: string;
}

/** The bytes of a message, read from the store when it is there. */
export function rawBytes(raw: Buffer | StoredRaw): Buffer {
  return Buffer.isBuffer(raw) ? raw : fs.readFileSync(raw.file);
}
