#!/usr/bin/env node
// `npm run bench`: every benchmark of issue 6 on real Dovecot and Postfix (started here, on loopback),
// each figure the median of BENCH_RUNS (3) runs with min and max. Prints one table and writes it,
// with the machine and the commit, to bench/RESULTS.md. BENCH_ONLY=1,4 runs some of them.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { root, RUNS } = require('./lib');

const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (id) => only.length === 0 || only.includes(id);

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

function table(rows) {
  const lines = ['| # | What | Baseline | mail-helpdesk | Target | Met |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.id} | ${r.what} | ${r.baseline ?? '—'} | ${r.ours} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

async function main() {
  const started = performance.now();
  const log = [];
  const error = console.error;
  console.error = (...a) => {
    log.push(a.join(' '));
    error(...a);
  };
  const rows = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
  try {
    if (wanted('1') || wanted('5')) rows.push(...(await require('./intake').main()));
    if (wanted('2')) rows.push(...(await require('./replies').main()));
    if (wanted('3')) rows.push(...(await require('./latency').main()));
    const dataDir = path.join(work, 'data');
    if (wanted('4') || wanted('6')) rows.push(...(await require('./sla-sweep').main({ keep: dataDir })));
    if (wanted('6')) rows.push(...(await require('./startup').main({ dataDir })));
    if (wanted('5')) rows.push(...(await require('./memory').main()));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    console.error = error;
  }
  rows.sort((a, b) => a.id.localeCompare(b.id));
  const minutes = (performance.now() - started) / 60_000;
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : '';
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const md = `# Benchmark results

Written by \`npm run bench\` (bench/run.js) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}${dirty}.
Machine: ${machine}. Real Dovecot ${version('dovecot', ['--version'])} and Postfix ${version('postconf', ['-h', 'mail_version'])} on loopback.
Each figure: median (min–max) of ${RUNS} runs; the whole run took ${minutes.toFixed(1)} minutes.
What each row measures, and how, is in the comment at the top of its file in bench/.

${table(rows)}

## The runs

\`\`\`
${log.join('\n')}
\`\`\`
`;
  if (only.length === 0) fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), md);
  console.log(`\n${table(rows)}\n\n${only.length === 0 ? 'Written to bench/RESULTS.md' : 'BENCH_ONLY: bench/RESULTS.md left as it was'} (${minutes.toFixed(1)} minutes).`);
  if (rows.some((r) => !r.met)) console.log(`Targets not met: ${rows.filter((r) => !r.met).map((r) => r.id).join(', ')} (the README's Benchmarks section says what bounds them).`);
}

function version(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split(' ')[0];
  } catch {
    return '?';
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
