/** The command as a process among others: a reader that stops early, the umask it is started with. */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../support/env';
import { cliConfig, helpdesk, helpdeskChild } from '../support/cli';
import { buildMail } from '../support/mails';

test('tickets show N | head: the closed pipe ends the command quietly, exit 0', async () => {
  const dir = tmpDir('proc');
  const config = cliConfig(dir);
  // 400 KB of text: far more than a pipe holds, so the command is still writing when the reader goes.
  const body = Array.from({ length: 8000 }, (_, i) => `line ${i} of a long log the customer pasted`).join('\n');
  const r = helpdesk(['ingest', '--config', config, '--no-send'], { input: buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'log', body }).raw });
  const number = JSON.parse(r.out).ticketNumber;

  const child = helpdeskChild(['tickets', 'show', number, '--config', config]);
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const [first] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(first.toString()).toContain(number);
  child.stdout!.destroy(); // what head does after its lines
  const [code] = await once(child, 'exit');
  expect(err).toBe('');
  expect(code).toBe(0);
});

test('data_dir files and folders are 0640/0750 under a umask of 000: database, raw and attachment blobs', () => {
  const dir = tmpDir('proc');
  const config = cliConfig(dir);
  const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'with a file', body: 'see attached', attachment: { filename: 'a.log', contentType: 'text/plain', content: Buffer.from('log lines') } });
  const r = helpdesk(['ingest', '--config', config, '--no-send'], { input: m.raw, umask: '000' });
  expect(r.code).toBe(0);
  const data = path.join(dir, 'data');
  const modes = Object.fromEntries(
    ['', ...fs.readdirSync(data, { recursive: true }).map(String)].map((f) => [f || '.', (fs.statSync(path.join(data, f)).mode & 0o777).toString(8)]),
  );
  const dirs = Object.keys(modes).filter((f) => fs.statSync(path.join(data, f)).isDirectory());
  const files = Object.keys(modes).filter((f) => !dirs.includes(f));
  // What is there: the database, the raw mail and the attachment, each under its fan-out folder.
  expect(files.map((f) => f.split(path.sep)[0]).sort()).toEqual(['attachments', 'helpdesk.sqlite', 'raw']);
  expect(dirs.sort()).toEqual(['.', 'attachments', expect.stringMatching(/^attachments\/[0-9a-f]{2}$/), 'raw', expect.stringMatching(/^raw\/[0-9a-f]{2}$/)]);
  for (const d of dirs) expect([d, modes[d]]).toEqual([d, '750']);
  for (const f of files) expect([f, modes[f]]).toEqual([f, '640']);
});
