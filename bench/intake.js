#!/usr/bin/env node
// Benchmark 1 and 5 of issue 6: intake throughput against a bare imapflow + mailparser loop,
// and the daemon's peak RSS meanwhile. 5 000 messages (10 KB Russian text, one in ten with a
// 20 KB attachment; seeded) wait in a real Dovecot; each figure is the median of RUNS runs.
// Run: node bench/intake.js  (after npm run build; needs root for Dovecot and Postfix)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ImapFlow } = require('imapflow');
const { simpleParser } = require('mailparser');
const MailComposer = require('nodemailer/lib/mail-composer');
const Database = require('better-sqlite3');
const { startMailServers } = require('../dist/devmail/servers');

const N = Number(process.env.BENCH_MESSAGES ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = path.join(__dirname, '..');
const support = { address: 'support@bench.test', password: 'bench-support' };

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

async function messages(rnd) {
  const out = [];
  for (let i = 0; i < N; i++) {
    let text = '';
    while (Buffer.byteLength(text) < 10_000) text += `${WORDS[Math.floor(rnd() * WORDS.length)]} `;
    const attachments = i % 10 === 0 ? [{ filename: `журнал-${i}.log`, content: Buffer.from(Array.from({ length: 20_000 }, () => 'abcdefghij'[Math.floor(rnd() * 10)]).join('')) }] : [];
    out.push(await new MailComposer({ from: `Клиент ${i} <c${i % 500}@customer.test>`, to: support.address, subject: `Обращение ${i}: ${WORDS[i % WORDS.length]}`, text, attachments, messageId: `<bench-${i}-${Math.floor(rnd() * 1e9)}@customer.test>` }).compile().build());
  }
  return out;
}

async function withImap(servers, fn) {
  const client = new ImapFlow({ host: '127.0.0.1', port: servers.imapPort, secure: false, auth: { user: support.address, pass: support.password }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

async function fill(servers, raws) {
  await withImap(servers, async (c) => {
    for (const f of ['INBOX', 'Stored']) {
      const lock = await c.getMailboxLock(f).catch(() => null);
      if (!lock) continue;
      try {
        if (c.mailbox.exists > 0) await c.messageDelete('1:*');
      } finally {
        lock.release();
      }
    }
    for (const raw of raws) await c.append('INBOX', raw);
  });
}

/** The bare loop: fetch every message with imapflow and parse it with mailparser, nothing else. */
async function baseline(servers) {
  return withImap(servers, async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const t0 = performance.now();
      let n = 0;
      for await (const m of c.fetch('1:*', { uid: true, source: true })) {
        await simpleParser(m.source);
        n++;
      }
      return { n, ms: performance.now() - t0 };
    } finally {
      lock.release();
    }
  });
}

function peakRss(pid) {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
}

async function daemonRun(servers, work) {
  const dataDir = fs.mkdtempSync(path.join(work, 'data-'));
  const config = path.join(dataDir, 'helpdesk.yaml');
  fs.writeFileSync(
    config,
    `data_dir: ${dataDir}
log: {level: warn}
outbox: {poll_seconds: 3600, per_recipient_limits: [], global_limits: []}
mailboxes:
  - name: support
    addresses: [${support.address}]
    from_name: Support
    imap: {host: 127.0.0.1, port: ${servers.imapPort}, tls: false, user: ${support.address}, password: {env: BENCH_IMAP_PASSWORD}, after: {action: move, folder: Stored}}
    smtp: {host: 127.0.0.1, port: 1}
`,
  );
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), path.join(root, 'bin', 'helpdesk.js'), 'start', '--config', config], { env: { ...process.env, BENCH_IMAP_PASSWORD: support.password }, stdio: ['ignore', 'ignore', 'inherit'] });
  const t0 = performance.now();
  const db = () => path.join(dataDir, 'helpdesk.sqlite');
  let count = 0;
  let peak = 0;
  while (count < N) {
    await new Promise((r) => setTimeout(r, 50));
    peak = Math.max(peak, peakRss(child.pid));
    if (!fs.existsSync(db())) continue;
    const d = new Database(db(), { readonly: true });
    try {
      count = d.prepare('SELECT count(*) AS n FROM tickets').get().n;
    } catch {
      count = 0;
    } finally {
      d.close();
    }
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, peakRss(child.pid));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ms, peak };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-intake-'));
  const servers = await startMailServers([support, { address: 'c0@customer.test', password: 'x' }]);
  try {
    const raws = await messages(seeded(42));
    const base = [];
    const ours = [];
    const rss = [];
    for (let r = 0; r < RUNS; r++) {
      await fill(servers, raws);
      const b = await baseline(servers);
      base.push((b.n / b.ms) * 1000);
      const d = await daemonRun(servers, work);
      ours.push((N / d.ms) * 1000);
      rss.push(d.peak / 2 ** 20);
      console.error(`run ${r + 1}: baseline ${base.at(-1).toFixed(0)} msg/s, daemon ${ours.at(-1).toFixed(0)} msg/s, peak RSS ${rss.at(-1).toFixed(0)} MB`);
    }
    const fmt = (xs, d = 0) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
    console.log(JSON.stringify({ messages: N, runs: RUNS, baselineMsgPerS: fmt(base), daemonMsgPerS: fmt(ours), ratio: (median(ours) / median(base)).toFixed(2), peakRssMB: fmt(rss) }));
  } finally {
    await servers.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
