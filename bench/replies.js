#!/usr/bin/env node
// Benchmark 2 of issue 6: an outbox of BENCH_REPLIES (2 000) replies sent to a real Postfix, against
// bare nodemailer with the same pool size (smtp.max_connections, 4). Both send the same mails to
// the same 20 customers' mailboxes in Dovecot.
// Run alone: node bench/replies.js (after npm run build; as root).
const fs = require('node:fs');
const path = require('node:path');
const nodemailer = require('nodemailer');
const pino = require('pino');
const { loadConfig } = require('../dist/config/load');
const { openDb } = require('../dist/db/open');
const { systemClock } = require('../dist/clock');
const { OutboxWorker } = require('../dist/outbox/worker');
const { smtpMailer } = require('../dist/outbox/mailer');
const { queueMail } = require('../dist/requests/mail');
const { support, RUNS, seeded, writeConfig, withServers, waitFor, median, fmt, runAlone } = require('./lib');

const N = Number(process.env.BENCH_REPLIES ?? 2000);
const customers = Array.from({ length: 20 }, (_, i) => ({ address: `c${i}@customer.test`, password: 'x' }));
const POOL = 4;

/** The replies: a registration answer's size and shape (Russian, about 1.5 KB). */
function replies() {
  const rnd = seeded(7);
  return Array.from({ length: N }, (_, i) => ({
    to: customers[i % customers.length].address,
    subject: `[SUP-2026-${String(i + 1).padStart(6, '0')}] Re: Обращение ${i}`,
    text: `Здравствуйте!\n\nВаше обращение зарегистрировано под номером SUP-2026-${String(i + 1).padStart(6, '0')}.\n${'Срок реакции: 4 рабочих часа. Чтобы дополнить обращение, ответьте на это письмо, не меняя темы. '.repeat(8)}\n${Math.floor(rnd() * 1e9)}\n\n— Служба поддержки`,
    messageId: `<bench-reply-${i}-${Math.floor(rnd() * 1e9)}@bench.test>`,
  }));
}

async function baseline(servers, mails) {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: POOL, host: '127.0.0.1', port: servers.smtpPort, secure: false });
  try {
    const t0 = performance.now();
    await Promise.all(mails.map((m) => transport.sendMail({ from: { name: 'Support', address: support.address }, ...m })));
    return (mails.length / (performance.now() - t0)) * 1000;
  } finally {
    transport.close();
  }
}

/** The daemon's outbox worker and mailer as the daemon wires them, draining a database of pending replies. */
async function outbox(servers, mails, work, r) {
  const dataDir = fs.mkdtempSync(path.join(work, `data-${r}-`));
  const config = loadConfig(writeConfig(dataDir, servers, { smtpPort: servers.smtpPort }), { env: { BENCH_IMAP_PASSWORD: support.password } });
  const mailbox = config.mailboxes[0];
  const db = openDb(dataDir, { migrate: true });
  const now = systemClock.now();
  db.transaction((tx) => {
    for (const m of mails) queueMail(tx, { from: mailbox, mail: { ticketId: null, kind: 'registration', to: m.to, subject: m.subject, text: m.text, messageId: m.messageId }, at: now });
  });
  const mailer = smtpMailer(mailbox);
  const worker = new OutboxWorker({ db, clock: systemClock, log: pino({ level: 'silent' }), mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 60_000, concurrency: mailbox.smtp.max_connections,
    // The gate as the daemon has it with this config (no caps): the suppression check before each mail.
    gate: { perRecipient: config.outbox.per_recipient_limits, global: config.outbox.global_limits, internal: [] },
  });
  try {
    const t0 = performance.now();
    let sent = 0;
    for (let n = await worker.flush(); n > 0; n = await worker.flush()) sent += n;
    const ms = performance.now() - t0;
    if (sent !== mails.length) throw new Error(`the outbox sent ${sent} of ${mails.length}`);
    return (sent / ms) * 1000;
  } finally {
    mailer.close();
    db.$client.close();
  }
}

/** Waits until Postfix has delivered everything it accepted (its queue is empty), so each run starts alike. */
async function drained(servers) {
  const queue = ['incoming', 'active', 'deferred', 'maildrop'].map((q) => path.join(servers.dir, 'spool', q));
  const count = (d) => (fs.existsSync(d) ? fs.readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);
  await waitFor('the Postfix queue to empty', () => queue.every((d) => count(d) === 0), 300_000, 200);
}

async function main() {
  return withServers([support, ...customers], async ({ servers, work }) => {
    const mails = replies();
    const base = [];
    const ours = [];
    // A warm-up, not measured: the first mails through a fresh Postfix and Dovecot are slower.
    await baseline(servers, mails.slice(0, 500));
    for (let r = 0; r < RUNS; r++) {
      // Taking turns, each after Postfix has delivered all it took before.
      for (const which of r % 2 === 0 ? ['base', 'ours'] : ['ours', 'base']) {
        await drained(servers);
        if (which === 'base') base.push(await baseline(servers, mails));
        else ours.push(await outbox(servers, mails, work, r));
      }
      console.error(`replies run ${r + 1}: nodemailer ${base.at(-1).toFixed(0)} msg/s, outbox ${ours.at(-1).toFixed(0)} msg/s`);
    }
    // Judged run by run: each run's outbox against the nodemailer of the same run.
    const ratios = ours.map((o, i) => o / base[i]);
    return [{ id: '2', what: `Reply throughput, ${N} replies to Postfix, pool of ${POOL} (msg/s)`, baseline: fmt(base), ours: `${fmt(ours)}; ${fmt(ratios, 2)} × baseline, run by run`, target: '≥ 0.9 × baseline', met: median(ratios) >= 0.9 }];
  });
}

module.exports = { main };
runAlone(module, main);
