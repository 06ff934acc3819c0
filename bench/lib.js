// What the benchmarks share: seeded mail, the IMAP helpers, the daemon as a child process, figures.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ImapFlow } = require('imapflow');
const MailComposer = require('nodemailer/lib/mail-composer');
const Database = require('better-sqlite3');

const root = path.join(__dirname, '..');
const support = { address: 'support@bench.test', password: 'bench-support' };
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** A seeded random number generator (mulberry32): the same mail on every machine. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'сервер не отвечает после обновления ошибка при входе в личный кабинет просим проверить журнал отчёт выгрузка не работает с утра пользователи жалуются на медленную работу портала'.split(' ');

/** A customer's mail as the issue sets it: about 10 KB of Russian text, one in ten with a 20 KB attachment. */
async function customerMail(rnd, i, { to = support.address, from = `c${i % 500}@customer.test` } = {}) {
  let text = '';
  while (Buffer.byteLength(text) < 10_000) text += `${WORDS[Math.floor(rnd() * WORDS.length)]} `;
  const attachments = i % 10 === 0 ? [{ filename: `журнал-${i}.log`, content: Buffer.from(Array.from({ length: 20_000 }, () => 'abcdefghij'[Math.floor(rnd() * 10)]).join('')) }] : [];
  return new MailComposer({
    from: `Клиент ${i} <${from}>`,
    to,
    subject: `Обращение ${i}: ${WORDS[i % WORDS.length]}`,
    text,
    attachments,
    messageId: `<bench-${i}-${Math.floor(rnd() * 1e9)}@customer.test>`,
  })
    .compile()
    .build();
}

async function withImap(servers, user, fn) {
  const client = new ImapFlow({ host: '127.0.0.1', port: servers.imapPort, secure: false, auth: { user: user.address, pass: user.password }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

/** Empties the folders (those that exist). */
async function clear(client, folders) {
  for (const f of folders) {
    const lock = await client.getMailboxLock(f).catch(() => null);
    if (!lock) continue;
    try {
      if (client.mailbox.exists > 0) await client.messageDelete('1:*');
    } finally {
      lock.release();
    }
  }
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
function peakRssMB(pid) {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

/** How many requests the daemon of a data directory has committed (0 before its database exists). */
function requestsIn(dataDir) {
  const file = path.join(dataDir, 'helpdesk.sqlite');
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS n FROM tickets').get().n;
  } catch {
    return 0; // not migrated yet
  } finally {
    db.close();
  }
}

/** A daemon configuration for the bench's support mailbox. */
function writeConfig(dataDir, servers, { smtpPort, level = 'warn', extra = '' }) {
  const file = path.join(dataDir, 'helpdesk.yaml');
  fs.writeFileSync(
    file,
    `data_dir: ${dataDir}
log: {level: ${level}}
outbox: {per_recipient_limits: [], global_limits: []}
mailboxes:
  - name: support
    addresses: [${support.address}]
    from_name: Support
    imap: {host: 127.0.0.1, port: ${servers.imapPort}, tls: false, user: ${support.address}, password: {env: BENCH_IMAP_PASSWORD}, after: {action: move, folder: Stored}}
    smtp: {host: 127.0.0.1, port: ${smtpPort}}
${extra}`,
  );
  return file;
}

/** The node flags the systemd unit starts the daemon with: the bench measures the daemon as it is deployed. */
function unitNodeFlags() {
  const unit = fs.readFileSync(path.join(root, 'systemd', 'helpdesk.service'), 'utf8');
  return /^ExecStart=\S*node((?: --\S+)*) \S*helpdesk\.js start$/m.exec(unit)[1].split(' ').filter(Boolean);
}

/**
 * Starts `helpdesk start` as a child process, with the systemd unit's node flags; its log lines
 * (JSON) go to onLog. BENCH_NODE_FLAGS adds flags (e.g. --cpu-prof) to find where the time goes.
 */
function startDaemon(config, onLog = () => undefined) {
  const flags = [...unitNodeFlags(), ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...flags, path.join(root, 'bin', 'helpdesk.js'), 'start', '--config', config], {
    env: { ...process.env, BENCH_IMAP_PASSWORD: support.password },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        onLog(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    pid: child.pid,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An SMTP server that accepts connections and never answers: the outbox waits, taking no CPU. */
async function silentSmtp() {
  const server = net.createServer(() => undefined);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, close: () => server.close() };
}

/**
 * Runs fn with real Dovecot and Postfix for these users, an SMTP server that never answers and a
 * work directory; stops and removes them all afterwards.
 */
async function withServers(users, fn) {
  const { startMailServers } = require('../dist-dev/devmail/servers');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
  const servers = await startMailServers(users);
  const silent = await silentSmtp();
  try {
    return await fn({ servers, silent, work });
  } finally {
    silent.close();
    await servers.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function waitFor(what, check, timeoutMs, everyMs = 20) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median (min–max) of a list of figures. */
function fmt(xs, digits = 0) {
  const f = (x) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace(/,/g, ' ');
  return xs.length === 1 ? f(xs[0]) : `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

/** The q-quantile of a list (nearest rank). */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Runs a benchmark's main() when its file is run by itself, printing its rows. */
function runAlone(mod, main) {
  if (require.main !== mod) return;
  main()
    .then((rows) => console.log(JSON.stringify(rows, null, 1)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}

module.exports = { root, support, RUNS, seeded, customerMail, withImap, clear, peakRssMB, requestsIn, writeConfig, startDaemon, silentSmtp, withServers, waitFor, median, fmt, quantile, runAlone };
