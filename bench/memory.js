#!/usr/bin/env node
// Benchmark 5 (second half) of issue 6: how much the daemon's peak RSS rises for one message with a
// 30 MB attachment (about 41 MB as sent), after a small message has warmed every path.
// Run alone: node bench/memory.js (after npm run build; as root).
const fs = require('node:fs');
const path = require('node:path');
const MailComposer = require('nodemailer/lib/mail-composer');
const { support, RUNS, seeded, customerMail, withImap, clear, peakRssMB, requestsIn, writeConfig, startDaemon, withServers, waitFor, median, fmt, runAlone } = require('./lib');

const MB = Number(process.env.BENCH_ATTACHMENT_MB ?? 30);

async function main() {
  return withServers([support], async ({ servers, silent, work }) => {
    const rnd = seeded(30);
    const content = Buffer.alloc(MB * 2 ** 20);
    for (let i = 0; i < content.length; i++) content[i] = 97 + Math.floor(rnd() * 26);
    const big = await new MailComposer({ from: 'c1@customer.test', to: support.address, subject: 'Большой журнал', text: 'Журнал во вложении.', attachments: [{ filename: 'server.log', content }] }).compile().build();
    const small = await customerMail(rnd, 1);
    const rises = [];
    for (let r = 0; r < RUNS; r++) {
      await withImap(servers, support, (c) => clear(c, ['INBOX', 'Stored']));
      const dataDir = fs.mkdtempSync(path.join(work, `data-${r}-`));
      const d = startDaemon(writeConfig(dataDir, servers, { smtpPort: silent.port, extra: `limits: {attachment_max_bytes: ${2 * MB * 2 ** 20}}\n` }));
      try {
        await withImap(servers, support, (c) => c.append('INBOX', small));
        await waitFor('the small request', () => requestsIn(dataDir) >= 1, 30_000);
        await new Promise((res) => setTimeout(res, 500));
        const before = peakRssMB(d.pid);
        await withImap(servers, support, (c) => c.append('INBOX', big));
        await waitFor('the large request', () => requestsIn(dataDir) >= 2, 120_000, 50);
        const rise = peakRssMB(d.pid) - before;
        rises.push(rise);
        console.error(`memory run ${r + 1}: peak RSS ${before.toFixed(0)} MB before, +${rise.toFixed(0)} MB for a ${MB} MB attachment (${(big.length / 2 ** 20).toFixed(0)} MB message)`);
      } finally {
        await d.stop();
      }
    }
    return [{ id: '5b', what: `Peak RSS rise for one message with a ${MB} MB attachment (MB)`, baseline: null, ours: `${fmt(rises)} (${(median(rises) / MB).toFixed(1)} × the attachment)`, target: `< 3 × ${MB} MB`, met: median(rises) < 3 * MB }];
  });
}

module.exports = { main };
runAlone(module, main);
