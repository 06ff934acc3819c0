#!/usr/bin/env node
// Benchmarks 1 and 5 (first half) of issue 6: intake throughput against a bare imapflow + mailparser
// loop, and the daemon's peak RSS meanwhile. BENCH_MESSAGES (5 000) mails wait in a real Dovecot.
// Run alone: node bench/intake.js (after npm run build; as root, for Dovecot and Postfix).
const fs = require('node:fs');
const path = require('node:path');
const { simpleParser } = require('mailparser');
const { support, RUNS, seeded, customerMail, withImap, clear, peakRssMB, requestsIn, writeConfig, startDaemon, withServers, waitFor, median, fmt, runAlone } = require('./lib');

const N = Number(process.env.BENCH_MESSAGES ?? 5000);

/** The bare loop: fetch every message with imapflow and parse it with mailparser, nothing else. */
async function baseline(servers) {
  return withImap(servers, support, async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const t0 = performance.now();
      let n = 0;
      for await (const m of c.fetch('1:*', { uid: true, source: true })) {
        await simpleParser(m.source);
        n++;
      }
      if (n !== N) throw new Error(`baseline fetched ${n} of ${N}`);
      return (n / (performance.now() - t0)) * 1000;
    } finally {
      lock.release();
    }
  });
}

/** The daemon, from its start until every message is a committed request (replies queued, not sent). */
async function daemon(servers, work, smtpPort) {
  const dataDir = fs.mkdtempSync(path.join(work, 'data-'));
  const d = startDaemon(writeConfig(dataDir, servers, { smtpPort }));
  const t0 = performance.now();
  let peak = 0;
  try {
    await waitFor(`${N} requests`, () => {
      peak = Math.max(peak, peakRssMB(d.pid));
      return requestsIn(dataDir) >= N;
    }, 600_000, 50);
    const ms = performance.now() - t0;
    peak = Math.max(peak, peakRssMB(d.pid));
    return { perS: (N / ms) * 1000, peak };
  } finally {
    await d.stop();
  }
}

async function main() {
  // Replies are queued, not sent, here (sending is the reply benchmark): the silent SMTP server accepts and never answers.
  return withServers([support], async ({ servers, silent, work }) => {
    const rnd = seeded(42);
    const raws = [];
    for (let i = 0; i < N; i++) raws.push(await customerMail(rnd, i));
    const base = [];
    const ours = [];
    const rss = [];
    await withImap(servers, support, async (c) => {
      await clear(c, ['INBOX', 'Stored']);
      for (const raw of raws) await c.append('INBOX', raw);
    });
    for (let r = 0; r < RUNS; r++) {
      // The daemon moved them all to Stored: back they go, for the next run.
      if (r > 0) await withImap(servers, support, async (c) => {
        const lock = await c.getMailboxLock('Stored');
        try {
          await c.messageMove('1:*', 'INBOX');
        } finally {
          lock.release();
        }
      });
      base.push(await baseline(servers));
      const d = await daemon(servers, work, silent.port);
      ours.push(d.perS);
      rss.push(d.peak);
      console.error(`intake run ${r + 1}: baseline ${base.at(-1).toFixed(0)} msg/s, daemon ${d.perS.toFixed(0)} msg/s, peak RSS ${d.peak.toFixed(0)} MB`);
    }
    // Judged run by run: each run's daemon against the bare loop of the same run.
    const ratios = ours.map((o, i) => o / base[i]);
    return [
      { id: '1', what: `Intake throughput, ${N} mails waiting (msg/s)`, baseline: fmt(base), ours: `${fmt(ours)}; ${fmt(ratios, 2)} × baseline, run by run`, target: '≥ 0.6 × baseline', met: median(ratios) >= 0.6 },
      { id: '5a', what: `Peak RSS of the daemon during (1) (MB)`, baseline: null, ours: fmt(rss), target: '< 200 MB', met: median(rss) < 200 },
    ];
  });
}

module.exports = { main };
runAlone(module, main);
