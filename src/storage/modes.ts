import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Modes of what the desk creates in data_dir: the database holds the reply
 * tokens' context and every customer's mail, the blobs their raw mail and
 * attachments. Owner and group (a backup or admin group) only; set exactly,
 * whatever the umask: a umask only takes bits away, and the 000 a service
 * may run with would leave 0666 files and 0777 folders.
 */
export const FILE_MODE = 0o640;
export const DIR_MODE = 0o750;

/** mkdir -p, each folder it creates DIR_MODE. */
export function makeDirSync(dir: string): void {
  const first = fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (first !== undefined) for (const d of created(first, dir)) fs.chmodSync(d, DIR_MODE);
}

/** mkdir -p, each folder it creates DIR_MODE. */
export async function makeDir(dir: string): Promise<void> {
  const first = await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (first !== undefined) for (const d of created(first, dir)) await fsp.chmod(d, DIR_MODE);
}

/** The folders from first (the topmost one mkdir created) down to dir. */
function created(first: string, dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (d === path.resolve(first) || d === path.dirname(d)) return out;
  }
}
