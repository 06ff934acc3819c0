#!/usr/bin/env node
// Benchmark 6 of issue 6: start-up with BENCH_REQUESTS (1 000 000) requests in the database: the time
// from starting `helpdesk start` to `imap.watching` (the server waits for new mail in IDLE) on every
// mailbox. The configuration is the example's (plans, calendars, the SLA sweep that runs at start),
// with the bench's mailbox. The database is the SLA benchmark's when run together, else built here.
// Run alone: node bench/startup.js (after npm run build; as root).
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const Database = require('better-sqlite3');
const { root, support, RUNS, startDaemon, withServers, waitFor, median, fmt, runAlone } = require('./lib');

/** The example configuration, made to run here: absolute paths, secrets from the environment, the bench's mailbox. */
function writeConfig(dataDir, servers) {
  const c = YAML.parse(fs.readFileSync(path.join(root, 'config', 'helpdesk.example.yaml'), 'utf8'));
  c.data_dir = dataDir;
  c.templates_dir = path.join(root, 'templates');
  c.log = { level: 'info' };
  c.security.token_secret = { env: 'BENCH_TOKEN_SECRET' };
  for (const cal of Object.values(c.calendars)) if (cal.production) cal.production = path.join(root, 'config', cal.production);
  const [m] = c.mailboxes;
  m.addresses = [support.address];
  m.imap = { host: '127.0.0.1', port: servers.imapPort, tls: false, user: support.address, password: { env: 'BENCH_IMAP_PASSWORD' }, after: { action: 'move', folder: 'Stored' } };
  m.smtp = { host: '127.0.0.1', port: servers.smtpPort };
  c.mailboxes = [m];
  const file = path.join(dataDir, 'helpdesk.yaml');
  fs.writeFileSync(file, YAML.stringify(c));
  return file;
}

async function main({ dataDir } = {}) {
  return withServers([support], async ({ servers, work }) => {
    if (!dataDir) {
      dataDir = path.join(work, 'data');
      await require('./sla-sweep').main({ keep: dataDir });
    }
    const db = new Database(path.join(dataDir, 'helpdesk.sqlite'));
    const requests = db.prepare('SELECT count(*) AS n FROM tickets').get().n;
    // The bench's requests are dated around its own "now"; the daemon runs on the real clock: nothing is due at start.
    db.prepare('UPDATE tickets SET next_sla_at = ? WHERE next_sla_at IS NOT NULL').run(new Date(Date.now() + 86_400_000).toISOString());
    db.close();
    process.env.BENCH_TOKEN_SECRET = 'bench-token-secret-0123456789abcdef';
    const config = writeConfig(dataDir, servers);
    const ready = [];
    for (let r = 0; r < RUNS; r++) {
      let watching = 0;
      const t0 = performance.now();
      const d = startDaemon(config, (l) => {
        if (l.event === 'imap.watching') watching++;
      });
      try {
        await waitFor('imap.watching', () => watching >= 1, 60_000, 5);
        ready.push(performance.now() - t0);
      } finally {
        await d.stop();
      }
      console.error(`start-up run ${r + 1}: ${requests} requests, watching after ${ready.at(-1).toFixed(0)} ms`);
    }
    return [{ id: '6', what: `Start-up with ${requests.toLocaleString('en-US').replace(/,/g, ' ')} requests: process start to IDLE on the mailbox (ms)`, baseline: null, ours: fmt(ready), target: '< 2 000 ms', met: median(ready) < 2000 }];
  });
}

module.exports = { main };
runAlone(module, () => main());
