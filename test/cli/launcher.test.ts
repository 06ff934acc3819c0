/**
 * One-shot commands through the real launcher (bin/helpdesk.js, which does
 * not force an exit): each ends by itself once done — its database, SMTP
 * pool and timers closed — with its exit code. A command that left a handle
 * open would still be running when the 20 s are up, and fail here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cli, exitsWithin, root, tmpDir } from '../support/env';
import { cliConfig } from '../support/cli';
import { buildMail } from '../support/mails';

const LIMIT_MS = 20_000;

async function run(args: string[], input?: Buffer) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, HELPDESK_CONFIG: '', CLI_TEST_PW: 'x' }, cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  child.stdin!.end(input ?? '');
  const { code } = await exitsWithin(child, LIMIT_MS, `helpdesk ${args.join(' ')}`);
  return { code, out, err };
}

test('check-config, migrate, ingest (sending to an SMTP server that is down), tickets list, outbox list, quarantine list, sla due: each exits by itself', async () => {
  const dir = tmpDir('launcher');
  const config = cliConfig(dir);
  expect(await run(['check-config', '--config', config])).toMatchObject({ code: 0 });
  expect(await run(['migrate', '--config', config])).toMatchObject({ code: 0 });
  // With sending: the SMTP pool is opened (port 1: refused) and the reply stays queued for a retry.
  const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'Printer on fire', body: 'Help' });
  const ingest = await run(['ingest', '--config', config], m.raw);
  expect(ingest.code).toBe(0);
  expect(JSON.parse(ingest.out)).toMatchObject({ outcome: 'created', messageId: m.messageId, repliesSent: 0 });
  expect(ingest.err).toContain('outbox.retry');
  const list = await run(['tickets', 'list', '--config', config, '--json']);
  expect(list.code).toBe(0);
  expect(JSON.parse(list.out)).toHaveLength(1);
  expect(await run(['outbox', 'list', '--config', config])).toMatchObject({ code: 0, out: expect.stringContaining('ivan@customer.test') });
  expect(await run(['quarantine', 'list', '--config', config])).toMatchObject({ code: 0 });
  const example = path.join(root, 'config', 'helpdesk.example.yaml');
  const due = await run(['sla', 'due', '--config', example, '--plan', 'premium', '--severity', 'high', '--opened', '2026-11-17T10:00:00+03:00', '--json']);
  expect(due.code).toBe(0);
  expect(JSON.parse(due.out)).toMatchObject({ reactionDue: '2026-11-17T10:30:00+03:00' }); // premium/high: 30 min, 24x7 (test/cli/sla.test.ts)
});

test('a failing command exits by itself with its code: a config that does not validate, a usage error', async () => {
  const dir = tmpDir('launcher');
  const bad = path.join(dir, 'bad.yaml');
  fs.writeFileSync(bad, 'data_dir: 42\n');
  expect(await run(['check-config', '--config', bad])).toMatchObject({ code: 1 });
  expect(await run(['tickets', 'list', '--no-such-option'])).toMatchObject({ code: 2 });
});
