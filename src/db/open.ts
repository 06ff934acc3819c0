import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { migrationsDir } from '../paths';
import { FILE_MODE, makeDirSync } from '../storage/modes';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenOptions {
  /** Apply pending migrations (the daemon and `helpdesk migrate` do; read-only commands do not). */
  migrate?: boolean;
  readonly?: boolean;
}

/**
 * Opens (and creates) the SQLite database of a data directory, in WAL mode.
 * A new database file is created FILE_MODE before SQLite opens it: SQLite
 * would make it 0644 less the umask, and it gives the -wal and -shm files
 * the database file's mode.
 */
export function openDb(dataDir: string, opts: OpenOptions = {}): Db {
  const file = path.join(dataDir, 'helpdesk.sqlite');
  if (opts.readonly) {
    if (!fs.existsSync(file)) throw new Error(`no database at ${file}: run "helpdesk migrate" or start the daemon first`);
  } else {
    makeDirSync(dataDir);
    createFile(file);
  }
  const sqlite = new Database(file, { readonly: opts.readonly ?? false });
  try {
    // First: a lock another process holds a moment (a backup, a migration) is waited for, even by the pragmas below.
    sqlite.pragma('busy_timeout = 5000');
    if (!opts.readonly) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // NORMAL: a commit survives a crash of the process, not always a power cut. The watcher syncs once per
    // batch (synchronous = FULL for one commit) before mails leave the IMAP folder, so none is lost either way.
    sqlite.pragma('synchronous = NORMAL');
    cacheStatements(sqlite);
    const db = drizzle(sqlite, { schema }) as Db;
    if (opts.migrate) migrate(db, { migrationsFolder: migrationsDir });
    return db;
  } catch (err) {
    sqlite.close(); // not a database, corrupt, locked: the caller says so, with no connection left open
    throw err;
  }
}

/** An empty file (an empty file is an empty database to SQLite) with FILE_MODE, unless it exists. */
function createFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    fs.fchmodSync(fd, FILE_MODE); // the umask may have taken bits away
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Drizzle prepares its SQL anew for every query, and preparing was the
 * largest single cost of intake (7.5 %). Its SQL text is the same for the same
 * query shape (values are bound), so one prepared statement per text is kept
 * and reused, with the result mode drizzle may have switched reset.
 */
function cacheStatements(sqlite: Database.Database, max = 1000): void {
  const cache = new Map<string, Database.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      if (stmt.reader) stmt.raw(false);
      return stmt;
    }
    stmt = prepare(source);
    if (cache.size >= max) cache.clear();
    cache.set(source, stmt);
    return stmt;
  }) as typeof sqlite.prepare;
}

/** How many migrations have been applied. */
export function appliedMigrations(db: Db): number {
  const row = db.$client
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='table' AND name='__drizzle_migrations'")
    .get() as { n: number };
  if (row.n === 0) return 0;
  return (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
}
