import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cli, root } from './env';

/** The real `helpdesk` command in a child process (bin/helpdesk.js, which runs dist/). */
export function helpdesk(args: string[], opts: { input?: Buffer | string; env?: NodeJS.ProcessEnv; umask?: string } = {}) {
  const env = { ...process.env, HELPDESK_CONFIG: '', CLI_TEST_PW: 'x', ...opts.env };
  // With a umask: through the shell, which sets it for the command it then becomes.
  const r = opts.umask
    ? spawnSync('/bin/sh', ['-c', `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, cli, ...args], { input: opts.input, env, cwd: root, encoding: 'utf8' })
    : spawnSync(process.execPath, [cli, ...args], { input: opts.input, env, cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The command with its standard streams as pipes, for a test that closes one. */
export function helpdeskChild(args: string[]): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { env: { ...process.env, HELPDESK_CONFIG: '', CLI_TEST_PW: 'x' }, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A config with one mailbox (SMTP on a closed port: nothing is ever sent) and its data in dir/data. */
export function cliConfig(dir: string, extra = ''): string {
  const file = path.join(dir, 'helpdesk.yaml');
  fs.writeFileSync(
    file,
    `data_dir: ${path.join(dir, 'data')}\ntemplates_dir: ${path.join(root, 'templates')}\nlog: {level: warn}\n${extra}mailboxes:\n  - name: support\n    language: en\n    addresses: [support@example.test]\n    imap: {host: 127.0.0.1, user: u, password: {env: CLI_TEST_PW}}\n    smtp: {host: 127.0.0.1, port: 1}\n`,
  );
  return file;
}
