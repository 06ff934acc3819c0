import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDb } from '../../../src/db/open';
import { mailboxState } from '../../../src/db/schema';

function tempDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-open-'));
  const db = openDb(dir, { migrate: true });
  return { db, close: () => (db.$client.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

test('a prepared statement is reused for the same SQL, and drizzle\'s array mode does not leak to the next caller', () => {
  const { db, close } = tempDb();
  db.insert(mailboxState).values({ mailbox: 'support', uidValidity: 7, lastUid: 3, updatedAt: '2026-11-22T00:00:00Z' }).run();
  const query = db.select({ lastUid: mailboxState.lastUid }).from(mailboxState).where(eq(mailboxState.mailbox, 'support'));
  expect(db.$client.prepare(query.toSQL().sql)).toBe(db.$client.prepare(query.toSQL().sql));
  // drizzle reads a selection in raw (array) mode on the shared statement …
  expect(query.get()).toEqual({ lastUid: 3 });
  // … and the next caller of the same SQL still gets rows as objects.
  expect(db.$client.prepare(query.toSQL().sql).get('support')).toEqual({ last_uid: 3 });
  expect(query.all()).toEqual([{ lastUid: 3 }]);
  close();
});

test('a cached statement sees a column added after it was prepared', () => {
  const { db, close } = tempDb();
  db.$client.exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)");
  expect(db.$client.prepare('SELECT * FROM t').get()).toEqual({ a: 1 });
  db.$client.exec('ALTER TABLE t ADD COLUMN b INTEGER DEFAULT 2');
  expect(db.$client.prepare('SELECT * FROM t').get()).toEqual({ a: 1, b: 2 });
  close();
});
