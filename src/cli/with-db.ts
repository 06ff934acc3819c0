import { openDb, type Db, type OpenOptions } from '../db/open';
import { configOrExplain } from './config-command';
import type { Io } from './io';

/**
 * Runs fn on the database of the config, and closes it. Commands that only
 * read open it read-only; those that write open it migrated (they read the
 * newest columns). A config or database that cannot be opened is said on
 * stderr, exit 1.
 */
export function withDb(io: Io, configFile: string | undefined, open: OpenOptions, fn: (db: Db) => number): number {
  const config = configOrExplain(io, configFile, { secrets: false });
  if (!config) return 1;
  let db: Db;
  try {
    db = openDb(config.data_dir, open);
  } catch (err) {
    io.err((err as Error).message);
    return 1;
  }
  try {
    return fn(db);
  } finally {
    db.$client.close();
  }
}
