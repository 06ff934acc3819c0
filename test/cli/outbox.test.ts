/**
 * Issue 11, class 5: an admin can see held mail and let it go.
 * `helpdesk outbox list --held | release ID | release --address A`,
 * `helpdesk suppressions list | clear ADDRESS`. The commands run in-process
 * (main); where a release must then meet the worker's fake clock, the
 * command's function is called with that clock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli';
import type { Io } from '../../src/cli/io';
import { outboxRelease } from '../../src/cli/outbox-command';
import { suppressionsClear, suppressionsList } from '../../src/cli/suppressions-command';
import type { GateOptions } from '../../src/outbox/gate';
import { root } from '../support/env';
import { buildMail } from '../support/mails';
import { intakeHarness, mailbox, recordingOutbox } from '../support/services';

const mb = mailbox();
const customer = 'ivan@customer.test';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), env: {}, stdin: async () => Buffer.alloc(0) };
  return { io, out, err };
}

/** A desk on the harness's database, its config file for the commands, and a worker with the given gate. */
function desk(gate: GateOptions) {
  const h = intakeHarness();
  const file = path.join(h.dataDir, 'helpdesk.yaml');
  fs.writeFileSync(
    file,
    `data_dir: ${h.dataDir}\ntemplates_dir: ${path.join(root, 'templates')}\nlog: {level: warn}\nmailboxes:\n  - name: support\n    addresses: [support@example.test]\n    imap: {host: 127.0.0.1, user: u, password: x}\n    smtp: {host: 127.0.0.1, port: 1}\n`,
  );
  const { worker, sent } = recordingOutbox(h, { gate });
  const write = async (subject: string) => {
    const m = buildMail({ from: customer, to: 'support@example.test', subject, body: 'x' });
    await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
    await worker.flush();
  };
  const suppress = (address: string, hours = 72) =>
    h.db.$client.prepare("INSERT INTO suppressions (address, until, reason, ticket_id, created_at) VALUES (?, ?, 'bounced: 5.1.1', NULL, ?)").run(address, new Date(h.clock.now().getTime() + hours * 3600_000).toISOString(), h.clock.now().toISOString());
  const run = async (...args: string[]) => {
    const c = capture();
    const code = await main(['node', 'helpdesk', ...args, '--config', file], c.io);
    return { code, out: c.out.join('\n'), err: c.err.join('\n') };
  };
  return { h, file, worker, sent, write, suppress, run };
}

const noCaps: GateOptions = { perRecipient: [], global: [], internal: [] };

test('outbox list --held shows what is held and why; release ID sends it past the suppression, with mail.released on the request', async () => {
  const { h, file, worker, sent, write, suppress, run } = desk(noCaps);
  suppress(customer);
  await write('VPN down');
  expect(sent).toHaveLength(0);
  const list = await run('outbox', 'list', '--held', '--json');
  expect(list.code).toBe(0);
  const [row] = JSON.parse(list.out);
  expect(JSON.parse(list.out)).toEqual([
    expect.objectContaining({ kind: 'registration', to: customer, request: 'SUP-2026-000001', status: 'held', reason: expect.stringMatching(/^suppressed until 2026-11-23T09:30:00.000Z \(bounced: 5\.1\.1\)$/), since: '2026-11-20T09:30:00.000Z' }),
  ]);
  const text = await run('outbox', 'list', '--held');
  expect(text.out).toMatch(new RegExp(`^\\s+${row.id}\\s+held\\s+registration\\s+${customer}\\s+SUP-2026-000001\\s+since 2026-11-20T09:30:00.000Z`, 'm'));
  expect(text.out).toContain('suppressed until 2026-11-23T09:30:00.000Z');

  h.clock.advance(60_000);
  const c = capture();
  expect(outboxRelease(c.io, String(row.id), { config: file }, h.clock)).toBe(0);
  expect(c.out.join('\n')).toContain(`released ${row.id} (registration to ${customer})`);
  await worker.flush();
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] VPN down']); // the suppression still holds: the admin's word goes past it
  expect(h.all("SELECT type, actor, ticket_id FROM events WHERE type = 'mail.released'")).toEqual([{ type: 'mail.released', actor: 'admin', ticket_id: 1 }]);
  // The release is for that row alone: the next automatic mail to the address is held again.
  await write('Printer');
  expect(sent).toHaveLength(1);
  expect((await run('outbox', 'list', '--held', '--json')).out).toContain('SUP-2026-000002');

  // Bad input: a clear message and a non-zero exit.
  const again = await run('outbox', 'release', String(row.id));
  expect(again).toMatchObject({ code: 1, err: `outbox mail ${row.id} is not held (it is sent)` });
  expect(await run('outbox', 'release', '999')).toMatchObject({ code: 1, err: 'no outbox mail 999' });
  expect(await run('outbox', 'release', 'abc')).toMatchObject({ code: 1, err: 'no outbox mail abc' });
  expect((await run('outbox', 'release')).code).toBe(2);
  expect((await run('outbox', 'release', String(row.id), '--address', customer)).code).toBe(2);
  expect(await run('outbox', 'release', '--address', 'nobody@customer.test')).toMatchObject({ code: 1, err: 'no mail held for nobody@customer.test' });
  h.close();
});

test('release --address lets every mail held for that address go, past the rate cap that held it', async () => {
  const { h, file, worker, sent, write } = desk({ perRecipient: [{ minutes: 10, max: 2 }], global: [], internal: [] });
  for (const s of ['q0', 'q1', 'q2', 'q3']) await write(s);
  expect(sent).toHaveLength(2);
  const c = capture();
  expect(outboxRelease(c.io, undefined, { config: file, address: 'IVAN@Customer.test' }, h.clock)).toBe(0);
  expect(c.out).toHaveLength(2);
  await worker.flush();
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] q0', '[SUP-2026-000002] q1', '[SUP-2026-000003] q2', '[SUP-2026-000004] q3']);
  expect(h.all("SELECT actor FROM events WHERE type = 'mail.released'")).toEqual([{ actor: 'admin' }, { actor: 'admin' }]);
  h.close();
});

test('suppressions list shows each suppression with its held mail; clear ends it and the held mail goes on the next pass', async () => {
  const { h, file, worker, sent, write, suppress, run } = desk(noCaps);
  suppress(customer);
  await write('VPN down');
  const c0 = capture();
  expect(suppressionsList(c0.io, { config: file, json: true }, h.clock)).toBe(0);
  expect(JSON.parse(c0.out.join(''))).toEqual([{ address: customer, until: '2026-11-23T09:30:00.000Z', reason: 'bounced: 5.1.1', request: null, since: '2026-11-20T09:30:00.000Z', active: true, held: 1 }]);
  const c1 = capture();
  suppressionsList(c1.io, { config: file }, h.clock);
  expect(c1.out.join('\n')).toMatch(/^ivan@customer\.test\s+until 2026-11-23T09:30:00\.000Z\s+1 held\s+-\n\s+bounced: 5\.1\.1$/);
  // The command as registered (it reads the wall clock, so --all: whether this one is over by now does not matter here).
  const all = await run('suppressions', 'list', '--all', '--json');
  expect(all.code).toBe(0);
  expect(JSON.parse(all.out)).toEqual([expect.objectContaining({ address: customer, held: 1 })]);

  expect(await run('suppressions', 'clear', 'nobody@customer.test')).toMatchObject({ code: 1, err: 'no suppression of nobody@customer.test' });
  expect(sent).toHaveLength(0);
  const c = capture();
  expect(suppressionsClear(c.io, 'Ivan@Customer.test', { config: file }, h.clock)).toBe(0);
  expect(c.out.join('')).toBe(`${customer}: suppression cleared; 1 held mail tried again on the daemon's next outbox pass`);
  expect(h.all('SELECT * FROM suppressions')).toEqual([]);
  await worker.flush();
  expect(sent.map((m) => m.subject)).toEqual(['[SUP-2026-000001] VPN down']);
  expect(h.all("SELECT actor FROM events WHERE type = 'mail.released'")).toEqual([{ actor: 'system' }]);
  expect(h.all("SELECT actor FROM events WHERE type = 'suppression.cleared'")).toEqual([{ actor: 'admin' }]);
  expect(await run('suppressions', 'clear', customer)).toMatchObject({ code: 1, err: `no suppression of ${customer}` });
  expect((await run('suppressions', 'list', '--all')).out).toBe('no address is suppressed');
  h.close();
});
