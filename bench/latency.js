#!/usr/bin/env node
// Benchmark 3 of issue 6: customer mail submitted to Postfix at a steady BENCH_RATE (5) per second for
// BENCH_SECONDS (60); for each, the time from SMTP acceptance to the registration reply's arrival in
// the customer's mailbox, which this bench watches with IDLE. All servers are real; the daemon sends
// its replies through the same Postfix.
// Run alone: node bench/latency.js (after npm run build; as root).
const fs = require('node:fs');
const path = require('node:path');
const nodemailer = require('nodemailer');
const { ImapFlow } = require('imapflow');
const { support, RUNS, seeded, customerMail, writeConfig, startDaemon, withServers, waitFor, median, fmt, quantile, runAlone } = require('./lib');

const RATE = Number(process.env.BENCH_RATE ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const customer = { address: 'c0@customer.test', password: 'bench-customer' };

/** Watches the customer's INBOX with IDLE; calls onMail(envelope, at) for every mail that arrives. */
async function watchCustomer(servers, onMail) {
  const client = new ImapFlow({ host: '127.0.0.1', port: servers.imapPort, secure: false, auth: { user: customer.address, pass: customer.password }, logger: false, autoIdleDelay: 10 });
  await client.connect();
  await client.mailboxOpen('INBOX');
  let seen = client.mailbox.exists;
  let busy = Promise.resolve();
  client.on('exists', ({ count }) => {
    const at = performance.now();
    if (count <= seen) return;
    const range = `${seen + 1}:${count}`;
    seen = count;
    busy = busy.then(async () => {
      for await (const m of client.fetch(range, { envelope: true })) onMail(m.envelope, at);
    });
  });
  return { close: async () => (await busy, await client.logout()) };
}

/**
 * Submits the mails at RATE per second and returns, for each, the milliseconds from SMTP acceptance
 * to its answer's arrival in the customer's INBOX. With `direct`, the mails go to the customer
 * themselves and no daemon runs: one pass through Postfix and Dovecot, the floor of a reply's two.
 */
async function oneRun(servers, work, raws, r, direct) {
  const dataDir = fs.mkdtempSync(path.join(work, `data-${r}-`));
  let watching = direct;
  const d = direct ? null : startDaemon(writeConfig(dataDir, servers, { smtpPort: servers.smtpPort, level: 'info' }), (l) => (watching ||= l.event === 'imap.watching'));
  const accepted = new Map();
  const latencies = [];
  const watcher = await watchCustomer(servers, (envelope, at) => {
    const t = accepted.get(direct ? envelope.messageId : envelope.inReplyTo);
    if (t !== undefined) latencies.push(at - t);
  });
  const smtp = nodemailer.createTransport({ pool: true, maxConnections: 2, host: '127.0.0.1', port: servers.smtpPort, secure: false });
  try {
    await waitFor('the daemon to watch its mailbox', () => watching, 30_000);
    const t0 = performance.now();
    const sends = [];
    for (let i = 0; i < raws.length; i++) {
      const due = t0 + (i * 1000) / RATE;
      await new Promise((res) => setTimeout(res, Math.max(0, due - performance.now())));
      const { raw, messageId } = raws[i];
      sends.push(smtp.sendMail({ envelope: { from: customer.address, to: direct ? customer.address : support.address }, raw }).then(() => accepted.set(messageId, performance.now())));
    }
    await Promise.all(sends);
    await waitFor(`${raws.length} answers`, () => latencies.length >= raws.length, 60_000);
    return latencies;
  } finally {
    smtp.close();
    await watcher.close();
    await d?.stop();
  }
}

async function main() {
  return withServers([support, customer], async ({ servers, work }) => {
    const p50 = [];
    const p99 = [];
    const hop50 = [];
    const hop99 = [];
    for (let r = 0; r < RUNS; r++) {
      const rnd = seeded(100 + r);
      const raws = [];
      for (let i = 0; i < RATE * SECONDS; i++) {
        const raw = await customerMail(rnd, i, { from: customer.address });
        raws.push({ raw, messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))[1] });
      }
      // The floor, at the same rate for a third of the time: it varies little.
      const direct = raws.slice(0, Math.ceil(raws.length / 3)).map((m) => ({ ...m, raw: Buffer.concat([Buffer.from('X-Bench: direct\r\n'), m.raw]) }));
      const hop = await oneRun(servers, work, direct, r, true);
      hop50.push(quantile(hop, 0.5));
      hop99.push(quantile(hop, 0.99));
      const l = await oneRun(servers, work, raws, r, false);
      p50.push(quantile(l, 0.5));
      p99.push(quantile(l, 0.99));
      console.error(`latency run ${r + 1}: one hop p50 ${hop50.at(-1).toFixed(0)} ms, p99 ${hop99.at(-1).toFixed(0)} ms; reply p50 ${p50.at(-1).toFixed(0)} ms, p99 ${p99.at(-1).toFixed(0)} ms, max ${Math.max(...l).toFixed(0)} ms (${l.length} replies)`);
    }
    return [
      { id: '3', what: `Latency at ${RATE} mails/s for ${SECONDS} s, SMTP acceptance to the reply in the customer's mailbox: p50 (ms). Baseline: one mail through Postfix to a mailbox, at the same rate for ${Math.ceil(SECONDS / 3)} s (a reply takes two such passes)`, baseline: fmt(hop50), ours: fmt(p50), target: '< 1 000 ms', met: median(p50) < 1000 },
      { id: '3', what: 'the same: p99 (ms)', baseline: fmt(hop99), ours: fmt(p99), target: '< 3 000 ms', met: median(p99) < 3000 },
    ];
  });
}

module.exports = { main };
runAlone(module, main);
