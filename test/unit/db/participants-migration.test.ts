import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { migrationsDir } from '../../../src/paths';
import { tmpDir } from '../../support/env';

/** Migrations up to and without `upTo` (its journal entry and the later ones dropped). */
function migrationsBefore(upTo: string): string {
  const dir = tmpDir('migrations');
  fs.cpSync(migrationsDir, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === upTo);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

test('requests opened before 0013 get the To and Cc of their first inbound mail as participants (not the requester, our sending address, an automated mail\'s; at most 10)', () => {
  const sqlite = new Database(path.join(tmpDir('db'), 'h.sqlite'));
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: migrationsBefore('0013_participants') });
  const at = '2026-11-20T09:30:00.000Z';
  sqlite.prepare("INSERT INTO tickets (id, number, scope, seq, mailbox, subject, requester_address, status, language, line, created_at, updated_at) VALUES (1, 'SUP-2026-000001', '2026', 1, 'support', 's', 'Ivan@customer.test', 'new', 'ru', 'L1', ?, ?)").run(at, at);
  const message = sqlite.prepare("INSERT INTO messages (ticket_id, direction, mailbox, from_address, to_json, cc_json, created_at) VALUES (1, ?, 'support', ?, ?, ?, ?)");
  const list = (...a: string[]) => JSON.stringify(a.map((address) => ({ address, name: address.startsWith('olga') ? 'Ольга' : '' })));
  message.run('in', 'ivan@customer.test', list('support@example.test', 'olga@customer.test'), list('petr@customer.test', 'ivan@customer.test'), at);
  message.run('in', 'ivan@customer.test', list('support@example.test'), list('later@customer.test'), at); // a later mail adds no one
  sqlite.prepare("INSERT INTO outbox (ticket_id, kind, mailbox, message_id, from_address, from_name, to_address, subject, text, next_attempt_at, created_at) VALUES (1, 'registration', 'support', '<r@example.test>', 'support@example.test', 'Support', 'ivan@customer.test', 's', 't', ?, ?)").run(at, at);
  // Request 2: an automated first mail (its Cc is nobody's choice); request 3: a first mail Cc'd to 15 (10 taken).
  for (const [id, automated, cc] of [[2, '{"kind":"auto-reply"}', ['x@customer.test']], [3, null, Array.from({ length: 15 }, (_, i) => `p${i}@customer.test`)]] as const) {
    sqlite.prepare(`INSERT INTO tickets (id, number, scope, seq, mailbox, subject, requester_address, status, language, line, created_at, updated_at) VALUES (?, ?, '2026', ?, 'support', 's', 'r@customer.test', 'new', 'ru', 'L1', ?, ?)`).run(id, `SUP-2026-00000${id}`, id, at, at);
    sqlite.prepare("INSERT INTO messages (ticket_id, direction, mailbox, from_address, to_json, cc_json, automated, created_at) VALUES (?, 'in', 'support', 'r@customer.test', '[]', ?, ?, ?)").run(id, list(...cc), automated, at);
  }
  migrate(db, { migrationsFolder: migrationsDir });
  expect(sqlite.prepare('SELECT count(*) AS n FROM participants WHERE ticket_id = 2').get()).toEqual({ n: 0 });
  expect(sqlite.prepare('SELECT address FROM participants WHERE ticket_id = 3 ORDER BY id').all()).toEqual(Array.from({ length: 10 }, (_, i) => ({ address: `p${i}@customer.test` })));
  expect(sqlite.prepare('SELECT ticket_id, address, address_key, name, added_by, removed_at FROM participants WHERE ticket_id = 1 ORDER BY id').all()).toEqual([
    { ticket_id: 1, address: 'olga@customer.test', address_key: 'olga@customer.test', name: 'Ольга', added_by: 'migration', removed_at: null },
    { ticket_id: 1, address: 'petr@customer.test', address_key: 'petr@customer.test', name: null, added_by: 'migration', removed_at: null },
  ]);
  expect(sqlite.prepare('SELECT to_header, cc_json FROM outbox').all()).toEqual([{ to_header: null, cc_json: '[]' }]);
  sqlite.close();
});
