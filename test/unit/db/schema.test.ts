import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../../../src/db/schema';
import { openDb } from '../../../src/db/open';
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
  expect((db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n).toBe(1);
  db.$client.close();
});
