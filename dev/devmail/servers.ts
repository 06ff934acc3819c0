import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a server's start command. Its daemons keep no pipe of ours open, so we wait for the exit, not for EOF. */
function startDaemon(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${stderr.trim()}`))));
    setTimeout(() => child.stderr.destroy(), 10_000).unref();
  });
}

/**
 * Real mail servers on loopback for tests and the demo: Dovecot (IMAP + LMTP)
 * and Postfix (SMTP in, delivering every domain to Dovecot over LMTP). Each
 * call gets its own temporary directory and free ports, and stop() removes
 * everything it started. Needs root and Debian's dovecot-imapd,
 * dovecot-lmtpd and postfix (scripts/ensure-mail-servers.sh installs them).
 */
export interface MailUser {
  address: string;
  password: string;
}

export interface MailServers {
  dir: string;
  smtpPort: number;
  imapPort: number;
  lmtpPort: number;
  host: '127.0.0.1';
  /** Stops Postfix and Dovecot (they may already have been stopped: e.g. a test stopping SMTP). */
  stop(): Promise<void>;
  stopPostfix(): Promise<void>;
  startPostfix(): Promise<void>;
  stopDovecot(): Promise<void>;
  startDovecot(): Promise<void>;
  /** Dovecot and Postfix logs, for a failing test's message. */
  logs(): string;
  /** Mails in Postfix's queue, not yet delivered or bounced (postqueue -j: one JSON line each). */
  queued(): Promise<number>;
}

export interface MailServerOptions {
  /** Domains Postfix accepts mail for (default: the users' domains). */
  domains?: string[];
  /** Dovecot announces no IDLE capability (to exercise polling). */
  noIdle?: boolean;
}

export async function startMailServers(users: MailUser[], opts: MailServerOptions = {}): Promise<MailServers> {
  for (const bin of ['/usr/sbin/dovecot', '/usr/sbin/postfix', '/usr/sbin/postconf']) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run scripts/ensure-mail-servers.sh (apt-get install dovecot-imapd dovecot-lmtpd postfix)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-mail-'));
  fs.chmodSync(dir, 0o755);
  const [imapPort, lmtpPort, smtpPort] = await freePorts(3);
  const domains = opts.domains ?? [...new Set(users.map((u) => u.address.split('@')[1]))];

  const postfixDir = path.join(dir, 'postfix');
  await configurePostfix(postfixDir, dir, smtpPort, lmtpPort, domains);
  writeDovecotConfig(dir, users, imapPort, lmtpPort, opts.noIdle ?? false);
  const dovecotConf = path.join(dir, 'dovecot.conf');
  const startDovecot = async () => {
    await startDaemon('/usr/sbin/dovecot', ['-c', dovecotConf]);
    await waitForPort(imapPort);
    await waitForPort(lmtpPort);
  };
  const stopDovecot = async () => {
    await run('/usr/bin/doveadm', ['-c', dovecotConf, 'stop']).catch(() => undefined);
    await waitForPortClosed(imapPort);
  };
  await startDovecot();
  const servers: MailServers = {
    dir,
    smtpPort,
    imapPort,
    lmtpPort,
    host: '127.0.0.1',
    startPostfix: async () => {
      await startDaemon('/usr/sbin/postfix', ['-c', postfixDir, 'start']);
      await waitForPort(smtpPort);
    },
    stopPostfix: async () => {
      await run('/usr/sbin/postfix', ['-c', postfixDir, 'stop']).catch(() => undefined);
      await waitForPortClosed(smtpPort);
    },
    startDovecot,
    stopDovecot,
    stop: async () => {
      await servers.stopPostfix();
      await stopDovecot();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    queued: async () => {
      const { stdout } = await run('/usr/sbin/postqueue', ['-c', postfixDir, '-j']);
      return stdout.split('\n').filter((l) => l.startsWith('{')).length;
    },
    logs: () =>
      ['dovecot.log', 'postfix.log']
        .map((f) => path.join(dir, f))
        .filter((f) => fs.existsSync(f))
        .map((f) => `==> ${path.basename(f)}\n${fs.readFileSync(f, 'utf8').split('\n').slice(-60).join('\n')}`)
        .join('\n'),
  };
  try {
    await servers.startPostfix();
  } catch (err) {
    await servers.stop().catch(() => undefined);
    throw err;
  }
  return servers;
}

function writeDovecotConfig(dir: string, users: MailUser[], imapPort: number, lmtpPort: number, noIdle: boolean): void {
  const mail = execFileSync('id', ['-u', 'mail']).toString().trim();
  const mailGid = execFileSync('id', ['-g', 'mail']).toString().trim();
  const home = path.join(dir, 'mail');
  fs.mkdirSync(home, { mode: 0o755 });
  fs.chownSync(home, Number(mail), Number(mailGid));
  fs.writeFileSync(
    path.join(dir, 'users'),
    users.map((u) => `${u.address}:{PLAIN}${u.password}:${mail}:${mailGid}::${home}/${u.address}::\n`).join(''),
  );
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${mail}
mail_location = maildir:~/Maildir
mail_privileged_group = mail
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%Lu ${dir}/users
}
namespace inbox {
  inbox = yes
  separator = /
}
protocol lmtp {
  postmaster_address = postmaster@localhost
}
lmtp_save_to_detail_mailbox = no
recipient_delimiter = +
${noIdle ? 'imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT SEARCHRES WITHIN NAMESPACE UIDPLUS CHILDREN MOVE SPECIAL-USE' : ''}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0600
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf);
  for (const d of ['run', 'state']) fs.mkdirSync(path.join(dir, d), { mode: 0o755 });
}

async function configurePostfix(conf: string, dir: string, smtpPort: number, lmtpPort: number, domains: string[]): Promise<void> {
  fs.mkdirSync(conf);
  fs.copyFileSync('/etc/postfix/master.cf', path.join(conf, 'master.cf'));
  fs.writeFileSync(path.join(conf, 'main.cf'), '');
  const spool = path.join(dir, 'spool');
  const data = path.join(dir, 'pfdata');
  fs.mkdirSync(spool, { mode: 0o755 });
  fs.mkdirSync(data, { mode: 0o700 });
  fs.chownSync(data, Number(execFileSync('id', ['-u', 'postfix']).toString()), 0);
  const settings = [
    'compatibility_level = 3.6',
    `queue_directory = ${spool}`,
    `data_directory = ${data}`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = mail.helpdesk.test',
    'mydomain = helpdesk.test',
    'myorigin = $myhostname',
    'mydestination =',
    'relay_domains =',
    'local_transport = error:local delivery is disabled',
    'inet_interfaces = loopback-only',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    `virtual_mailbox_domains = ${domains.join(' ')}`,
    `virtual_transport = lmtp:inet:127.0.0.1:${lmtpPort}`,
    'default_transport = error:this test server delivers only to its own domains',
    'relay_transport = error:this test server delivers only to its own domains',
    'smtpd_recipient_restrictions = permit_mynetworks, reject',
    'smtpd_relay_restrictions = permit_mynetworks, reject',
    'smtp_dns_support_level = disabled',
    'disable_dns_lookups = yes',
    'smtpd_banner = $myhostname ESMTP',
    'recipient_delimiter = +',
    `maillog_file = ${dir}/postfix.log`,
    `maillog_file_prefixes = ${dir}`,
    'message_size_limit = 52428800',
    'biff = no',
    'queue_run_delay = 1s',
    'minimal_backoff_time = 1s',
    'maximal_backoff_time = 2s',
    'lmtp_connect_timeout = 5s',
    'alternate_config_directories =',
    'shlib_directory = /usr/lib/postfix',
    'daemon_directory = /usr/lib/postfix/sbin',
    'command_directory = /usr/sbin',
    'meta_directory = /etc/postfix',
  ];
  await run('/usr/sbin/postconf', ['-c', conf, '-e', ...settings]);
  // No chroot (the spool is a temp dir), the SMTP listener on our port, no other inet services.
  await run('/usr/sbin/postconf', ['-c', conf, '-F', '*/*/chroot = n']);
  await run('/usr/sbin/postconf', ['-c', conf, '-MX', 'smtp/inet', 'submission/inet', 'smtps/inet']);
  await run('/usr/sbin/postconf', ['-c', conf, '-M', `127.0.0.1:${smtpPort}/inet = 127.0.0.1:${smtpPort} inet n - n - - smtpd`]);
  await run('/usr/sbin/postfix', ['-c', conf, 'set-permissions']);
  await run('/usr/sbin/postfix', ['-c', conf, 'check']).catch((err: { stderr?: string }) => {
    throw new Error(`postfix check failed: ${err.stderr ?? String(err)}`);
  });
}

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await connects(port))) {
    if (performance.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForPortClosed(port: number, timeoutMs = 20_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (await connects(port)) {
    if (performance.now() > until) throw new Error(`127.0.0.1:${port} still open after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
