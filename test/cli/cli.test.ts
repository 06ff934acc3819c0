/** The CLI contract, run as the real `helpdesk` command in child processes. */
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { cli, root, tmpDir } from '../support/env';
import { buildMail } from '../support/mails';

function helpdesk(args: string[], opts: { input?: Buffer | string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { input: opts.input, env: { ...process.env, HELPDESK_CONFIG: '', ...opts.env }, cwd: opts.cwd ?? root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function config(dir: string, extra = ''): string {
  const file = path.join(dir, 'helpdesk.yaml');
  fs.writeFileSync(
    file,
    `data_dir: ${path.join(dir, 'data')}\ntemplates_dir: ${path.join(root, 'templates')}\nlog: {level: warn}\n${extra}mailboxes:\n  - name: support\n    language: en\n    addresses: [support@example.test]\n    imap: {host: 127.0.0.1, user: u, password: {env: CLI_TEST_PW}}\n    smtp: {host: 127.0.0.1, port: 1}\n`,
  );
  return file;
}

test('--help lists the subcommands', () => {
  const r = helpdesk(['--help']);
  expect(r.code).toBe(0);
  for (const c of ['start', 'migrate', 'check-config', 'parse', 'ingest', 'tickets']) expect(r.out).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
});

test('check-config names the bad key and its line, exit 1', () => {
  const dir = tmpDir('cli');
  const file = config(dir).replace(/$/, '');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('port: 1}', 'port: 99999}'));
  const r = helpdesk(['check-config', '--config', file], { env: { CLI_TEST_PW: 'x' } });
  expect(r.code).toBe(1);
  expect(r.err).toContain('line 9: mailboxes[0].smtp.port:');
});

test('check-config --print masks secrets; a missing env secret is a problem', () => {
  const dir = tmpDir('cli');
  const file = config(dir);
  const ok = helpdesk(['check-config', '--config', file, '--print'], { env: { CLI_TEST_PW: 'hunter2' } });
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.out).mailboxes[0].imap.password).toBe('***');
  expect(ok.out).not.toContain('hunter2');
  const bad = helpdesk(['check-config', '--config', file]);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain('mailboxes[0].imap.password: environment variable CLI_TEST_PW is not set');
});

test('parse --json prints the fields; an unreadable file is exit 1 with a message', () => {
  const m = buildMail({ from: 'Ivan <ivan@customer.test>', to: 'support@example.test', subject: 'Re: [SUP-2026-000042] вопрос', body: 'текст', attachment: { filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('abc') } });
  const dir = tmpDir('cli');
  fs.writeFileSync(path.join(dir, 'm.eml'), m.raw);
  const r = helpdesk(['parse', path.join(dir, 'm.eml'), '--json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j).toMatchObject({
    messageId: m.messageId,
    inReplyTo: null,
    references: [],
    from: { address: 'ivan@customer.test', name: 'Ivan' },
    to: [{ address: 'support@example.test', name: '' }],
    cc: [],
    subject: 'Re: [SUP-2026-000042] вопрос',
    date: '2026-11-20T09:30:00.000Z',
    ticketNumber: 'SUP-2026-000042',
    automated: null,
    attachments: [{ filename: 'a.txt', contentType: 'text/plain', size: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }],
  });
  expect(j.text.trim()).toBe('текст');
  const missing = helpdesk(['parse', path.join(dir, 'nope.eml'), '--json']);
  expect(missing.code).toBe(1);
  expect(missing.err).toMatch(/cannot read .*nope\.eml: ENOENT/);
});

test('ingest registers a message from stdin, then tickets list/show read it back; a resend is a duplicate', () => {
  const dir = tmpDir('cli');
  const file = config(dir);
  const env = { CLI_TEST_PW: 'x' };
  const m = buildMail({ from: 'Ivan <ivan@customer.test>', to: 'support@example.test', subject: 'Printer on fire', body: 'Help' });
  const r = helpdesk(['ingest', '--config', file, '--no-send'], { input: m.raw, env });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ outcome: 'created', ticketNumber: expect.stringMatching(/^SUP-\d{4}-000001$/), messageId: m.messageId, replyQueued: true, mailbox: 'support', repliesSent: 0 });
  const number = JSON.parse(r.out).ticketNumber;
  const again = helpdesk(['ingest', '--config', file], { input: m.raw, env });
  expect(JSON.parse(again.out)).toMatchObject({ outcome: 'ignored', reason: 'duplicate', ticketNumber: number });

  const list = helpdesk(['tickets', 'list', '--json', '--config', file], { env });
  expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ number, status: 'new', subject: 'Printer on fire', requesterAddress: 'ivan@customer.test' })]);
  expect(helpdesk(['tickets', 'list', '--status', 'closed', '--config', file], { env }).out).toContain('no requests with status closed');
  const show = JSON.parse(helpdesk(['tickets', 'show', number, '--json', '--config', file], { env }).out);
  expect(show.messages).toHaveLength(1);
  expect(show.outbox).toEqual([expect.objectContaining({ kind: 'registration', to: 'ivan@customer.test', status: 'pending' })]);
  expect(show.events.map((e: { type: string }) => e.type)).toEqual(['ticket.created', 'reply.queued']);
  const text = helpdesk(['tickets', 'show', number, '--config', file], { env });
  expect(text.out).toContain(`${number}  [new]  Printer on fire`);
  const none = helpdesk(['tickets', 'show', 'SUP-1999-000001', '--config', file], { env });
  expect(none.code).toBe(1);
  expect(none.err).toContain('no request SUP-1999-000001');
});

test('ingest with empty stdin is refused clearly', () => {
  const dir = tmpDir('cli');
  const r = helpdesk(['ingest', '--config', config(dir)], { input: '', env: { CLI_TEST_PW: 'x' } });
  expect(r.code).toBe(1);
  expect(r.err).toContain('standard input is empty');
});

test('migrate creates the database; tickets list before it explains what to do', () => {
  const dir = tmpDir('cli');
  const file = config(dir);
  const env = { CLI_TEST_PW: 'x' };
  const before = helpdesk(['tickets', 'list', '--config', file], { env });
  expect(before.code).toBe(1);
  expect(before.err).toContain('run "helpdesk migrate"');
  const r = helpdesk(['migrate', '--config', file], { env });
  expect(r.code).toBe(0);
  const journal = JSON.parse(fs.readFileSync(path.join(root, 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  expect(r.out).toContain(`database at migration ${journal.entries.length}`);
  expect(helpdesk(['tickets', 'list', '--config', file], { env }).out).toContain('no requests');
});

test('ingest that cannot store the message exits 75 (EX_TEMPFAIL), so the MTA keeps it and retries', () => {
  const dir = tmpDir('cli');
  const file = config(dir, '');
  fs.cpSync(path.join(root, 'templates'), path.join(dir, 'tpl'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tpl', 'registration.en.hbs'), '{{number}} {{noSuchField}}'); // fails when rendered
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`templates_dir: ${path.join(root, 'templates')}`, `templates_dir: ${path.join(dir, 'tpl')}`));
  const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'x', body: 'y' });
  const r = helpdesk(['ingest', '--config', file, '--no-send'], { input: m.raw, env: { CLI_TEST_PW: 'x' } });
  expect(r.code).toBe(75);
  expect(JSON.parse(r.out)).toMatchObject({ outcome: 'failed', error: expect.stringContaining('noSuchField') });
  expect(r.err).toContain('intake.message.failed');
});

test('backup makes a consistent copy that opens with every request in it', () => {
  const dir = tmpDir('cli');
  const file = config(dir);
  const env = { CLI_TEST_PW: 'x' };
  for (const i of [1, 2]) helpdesk(['ingest', '--config', file, '--no-send'], { input: buildMail({ from: 'a@customer.test', to: 'support@example.test', subject: `s${i}`, body: 'b' }).raw, env });
  const copy = path.join(dir, 'backup.sqlite');
  const r = helpdesk(['backup', '--to', copy, '--config', file], { env });
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/pages copied/);
  const db = new Database(copy, { readonly: true });
  expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
  expect(db.prepare('SELECT subject FROM tickets ORDER BY id').all()).toEqual([{ subject: 's1' }, { subject: 's2' }]);
  db.close();
});
