/**
 * `helpdesk ingest`'s exit code is the MTA's decision: 75 (EX_TEMPFAIL)
 * keeps the mail queued and retries, anything else but 0 bounces it to the
 * customer. Every fault of ours is 75; only an empty input is the mail's.
 */
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, tmpDir } from '../support/env';
import { cliConfig, helpdesk } from '../support/cli';
import { buildMail } from '../support/mails';

const mail = () => buildMail({ from: 'Ivan <ivan@customer.test>', to: 'support@example.test', subject: 'Printer on fire', body: 'Help' });

/** A data dir with a migrated database, closed (its WAL checkpointed into the file). */
function migrated() {
  const dir = tmpDir('exit');
  const config = cliConfig(dir);
  expect(helpdesk(['migrate', '--config', config]).code).toBe(0);
  return { dir, config, db: path.join(dir, 'data', 'helpdesk.sqlite') };
}

/** The mail is refused for now (75, the JSON says failed), then taken once the fault is mended: the MTA's retry. */
async function tempfailThenDelivered(config: string, why: RegExp, mend: () => unknown) {
  const m = mail();
  const r = helpdesk(['ingest', '--config', config], { input: m.raw });
  expect(r.code).toBe(75);
  expect(JSON.parse(r.out)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(why) });
  expect(r.err).toContain('ingest.unavailable');
  await mend();
  const again = helpdesk(['ingest', '--config', config, '--no-send'], { input: m.raw });
  expect(again.code).toBe(0);
  expect(JSON.parse(again.out)).toMatchObject({ outcome: 'created', messageId: m.messageId });
}

test('a corrupt database file: exit 75, and the mail goes in once the database is restored', async () => {
  const { config, db } = migrated();
  const good = fs.readFileSync(db);
  const bad = Buffer.from(good);
  bad.fill(0xa5, 100, 4096); // the schema page's b-tree, past the 100-byte file header
  fs.writeFileSync(db, bad);
  await tempfailThenDelivered(config, /malformed/, () => fs.writeFileSync(db, good));
});

test('a file that is not a database: exit 75', async () => {
  const { config, db } = migrated();
  fs.writeFileSync(db, 'these are not the pages you are looking for\n'.repeat(200));
  await tempfailThenDelivered(config, /not a database/, () => fs.rmSync(db));
});

test('a database held in exclusive locking mode by another process: exit 75, and the mail goes in once it lets go', async () => {
  const { config, db } = migrated();
  // Another process: exclusive locking mode, a write transaction taken, held until its stdin closes.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(${JSON.stringify(db)});
       db.pragma('locking_mode = EXCLUSIVE');
       db.exec('BEGIN EXCLUSIVE');
       process.stdout.write('locked\\n');
       process.stdin.resume().on('end', () => { db.exec('COMMIT'); db.close(); });`,
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit');
  try {
    await once(holder.stdout!, 'data');
    // Let go: the holder commits and exits (awaited: the retry blocks this process's event loop).
    await tempfailThenDelivered(config, /database is locked/, () => Promise.all([exited, holder.stdin!.end()]));
  } finally {
    holder.stdin!.end(); // a failed expectation must not leave it holding the lock (and the test run)
    await exited;
  }
}, 60_000);

test('a config that cannot be read, or has no such mailbox, or a bad option on the pipe command: exit 75; empty input alone is 1', () => {
  const dir = tmpDir('exit');
  const missing = helpdesk(['ingest', '--config', path.join(dir, 'nope.yaml')], { input: mail().raw });
  expect(missing.code).toBe(75);
  expect(missing.err).toContain('cannot read: ENOENT');
  const invalid = path.join(dir, 'invalid.yaml');
  fs.writeFileSync(invalid, fs.readFileSync(cliConfig(dir), 'utf8').replace('port: 1}', 'port: 99999}'));
  expect(helpdesk(['ingest', '--config', invalid], { input: mail().raw }).code).toBe(75);
  const config = cliConfig(dir);
  const mailbox = helpdesk(['ingest', '--config', config, '--mailbox', 'sales'], { input: mail().raw });
  expect(mailbox.code).toBe(75);
  expect(mailbox.err).toContain('no mailbox "sales"');
  expect(helpdesk(['ingest', '--config', config, '--no-such-option'], { input: mail().raw }).code).toBe(75);
  // The honest command still works, and empty input is still refused for good.
  expect(helpdesk(['ingest', '--config', config, '--no-send'], { input: mail().raw }).code).toBe(0);
  expect(helpdesk(['ingest', '--config', config], { input: '' }).code).toBe(1);
});

test('ingest --no-send logs no error and sends nothing: the reply waits in the outbox', () => {
  const dir = tmpDir('exit');
  const config = cliConfig(dir);
  const r = helpdesk(['ingest', '--config', config, '--no-send'], { input: mail().raw });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toMatchObject({ outcome: 'created', replyQueued: true, repliesSent: 0 });
  expect(r.err).not.toContain('outbox.error');
  expect(r.err).toBe('');
  const show = JSON.parse(helpdesk(['tickets', 'show', JSON.parse(r.out).ticketNumber, '--json', '--config', config]).out);
  expect(show.outbox).toEqual([expect.objectContaining({ kind: 'registration', status: 'pending' })]);
  // With sending, the one pass is awaited before the database closes: the failure to reach SMTP is the row's, not a log error.
  const sent = helpdesk(['ingest', '--config', config], { input: mail().raw });
  expect(sent.code).toBe(0);
  expect(sent.err).not.toContain('database connection is not open');
});
