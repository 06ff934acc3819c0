#!/usr/bin/env node
// Benchmark: one SLA sweep over a database of 100 000 open and 1 000 000 closed
// requests, of which 1 000 are due now. Prints the figures recorded in the README.
// Run: npm run bench  (builds first; takes about a minute; temp files are removed)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pino = require('pino');
const { openDb } = require('../dist/db/open');
const { loadConfig } = require('../dist/config/load');
const { slaPolicy } = require('../dist/daemon');
const { SlaSweep } = require('../dist/sla/sweep');
const { Templates } = require('../dist/outbox/templates');
const { FakeClock } = require('../dist/clock');

const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const CLOSED = Number(process.env.BENCH_CLOSED ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE ?? 1_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
try {
  const root = path.join(__dirname, '..');
  const config = loadConfig(path.join(root, 'config', 'helpdesk.example.yaml'), { env: {} }, { secrets: false });
  const db = openDb(dir, { migrate: true });
  const now = new Date('2026-11-20T09:30:00Z');
  const clock = new FakeClock(now);

  let t = performance.now();
  const insertTicket = db.$client.prepare(
    `INSERT INTO tickets (number, scope, seq, mailbox, status, subject, requester_address, language, line, plan, severity, created_at, updated_at, resolved_at, next_sla_at)
     VALUES (?, '2026', ?, 'support', ?, 'bench', ?, 'ru', 'L1', 'extended', 'medium', ?, ?, ?, ?)`,
  );
  const insertInterval = db.$client.prepare(`INSERT INTO sla_intervals (ticket_id, kind, start, opened_by) VALUES (?, 'counted', ?, 'bench')`);
  db.$client.transaction(() => {
    for (let i = 1; i <= OPEN + CLOSED; i++) {
      const open = i <= OPEN;
      // Due ones were opened 5 working hours ago (reminders and the reaction breach are due); others recently; closed ones long ago.
      const created = new Date(now.getTime() - (!open ? 90 * 86_400_000 : i <= DUE ? 5 * 3_600_000 : (i % 60) * 60_000)).toISOString();
      // The first DUE open requests have a notice due now; the other open ones later; closed ones none.
      const next = !open ? null : i <= DUE ? new Date(now.getTime() - 1000).toISOString() : new Date(now.getTime() + (i % 10_000) * 60_000).toISOString();
      const r = insertTicket.run(`SUP-2026-${String(i).padStart(7, '0')}`, i, open ? 'in_progress' : 'closed', `c${i % 5000}@customer.example`, created, created, open ? null : created, next);
      if (open) insertInterval.run(r.lastInsertRowid, created);
    }
  })();
  const fill = performance.now() - t;

  const sweep = new SlaSweep({
    db, clock, log: pino({ level: 'silent' }), plans: slaPolicy(config).plans,
    templates: new Templates(path.join(root, 'templates')), engineers: config.engineers, mailboxes: config.mailboxes, escalation: config.sla.escalation,
  });
  t = performance.now();
  const sent = sweep.run(DUE + 1);
  const busy = performance.now() - t;
  t = performance.now();
  const again = sweep.run(DUE + 1);
  const idle = performance.now() - t;
  const plan = db.$client.prepare("EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE next_sla_at IS NOT NULL AND next_sla_at <= ? ORDER BY next_sla_at LIMIT 500").all(now.toISOString());
  db.$client.close();
  const mb = fs.statSync(path.join(dir, 'helpdesk.sqlite')).size / 1e6;
  console.log(JSON.stringify({ open: OPEN, closed: CLOSED, due: DUE, fillMs: Math.round(fill), dbMB: Math.round(mb), sweepDueMs: Math.round(busy), mailsQueued: sent, msPerDueRequest: +(busy / DUE).toFixed(2), sweepNothingDueMs: +idle.toFixed(2), secondSweepMails: again, queryPlan: plan.map((p) => p.detail) }, null, 1));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
