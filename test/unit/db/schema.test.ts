import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as tablesOfSchema from '../../../src/db/schema';
import { participants } from '../../../src/db/participants';

const schema = { ...tablesOfSchema, participants };
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { openDb } from '../../../src/db/open';
import { migrationsDir } from '../../../src/paths';
import { tmpDir } from '../../support/env';

test('the SQL migrations create exactly the tables and columns of the TypeScript schema', () => {
  const db = openDb(tmpDir('schema'), { migrate: true });
  const tables = Object.values(schema).map((t) => getTableConfig(t as SQLiteTable));
  for (const t of tables) {
    const cols = (db.$client.prepare(`PRAGMA table_info(${t.name})`).all() as { name: string; notnull: number; pk: number }[]).map((c) => `${c.name}${c.notnull || c.pk ? '!' : ''}`);
    expect(cols.sort()).toEqual(t.columns.map((c) => `${c.name}${c.notNull || c.primary ? '!' : ''}`).sort());
  }
  const inDb = (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[]).map((r) => r.name);
  expect(inDb.sort()).toEqual(tables.map((t) => t.name).sort());
  expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
  db.$client.close();
});

test('migrating twice is harmless', () => {
  const dir = tmpDir('schema2');
  openDb(dir, { migrate: true }).$client.close();
  const db = openDb(dir, { migrate: true });
  const files = fs.readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'));
  expect(files.length).toBeGreaterThanOrEqual(2);
  expect((db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n).toBe(files.length);
  db.$client.close();
});

test('a database made by the first migration is upgraded with its data kept', () => {
  const dir = tmpDir('upgrade');
  // Only migration 0000, as the first release had it.
  const old = path.join(dir, 'migrations');
  fs.mkdirSync(path.join(old, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8'));
  fs.writeFileSync(path.join(old, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  fs.copyFileSync(path.join(migrationsDir, `${journal.entries[0].tag}.sql`), path.join(old, `${journal.entries[0].tag}.sql`));
  const data = path.join(dir, 'data');
  const first = openDb(data);
  migrate(first, { migrationsFolder: old });
  first.$client
    .prepare("INSERT INTO tickets (number, scope, seq, mailbox, subject, language, created_at, updated_at) VALUES ('SUP-2026-000001', '2026', 1, 'support', 'old', 'ru', 'x', 'x')")
    .run();
  first.$client.close();
  const db = openDb(data, { migrate: true });
  expect(db.$client.prepare('SELECT number, subject, linked_ticket_id, resolved_at FROM tickets').all()).toEqual([
    { number: 'SUP-2026-000001', subject: 'old', linked_ticket_id: null, resolved_at: null },
  ]);
  db.$client.close();
});
