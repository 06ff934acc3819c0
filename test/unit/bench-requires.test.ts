/**
 * The benchmarks run the built daemon (`require('../dist/…')`), which no type
 * check reads: a module moved in src/ would be found in a stale dist/ here and
 * missing on a fresh clone. Each one they require must have its source (src/, or dev/ for dist-dev/).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const bench = path.join(root, 'bench');

/** The built modules a file requires, as the source each is built from: '../dist/x' from src/x.ts, '../dist-dev/x' from dev/x.ts. */
function sourcesRequired(text: string): string[] {
  return [...text.matchAll(/require\(\s*'\.\.\/(dist|dist-dev)\/([^']+)'\s*\)/g)].map((m) => `${m[1] === 'dist' ? 'src' : 'dev'}/${m[2]}.ts`);
}

test('reads the built modules out of a require, and nothing else', () => {
  const text = "const { a } = require('../dist/outbox/worker');\nconst b = require('./lib');\nconst c = require('../dist-dev/devmail/servers');";
  expect(sourcesRequired(text)).toEqual(['src/outbox/worker.ts', 'dev/devmail/servers.ts']);
});

test('every built module a benchmark requires has its source', () => {
  const missing = fs
    .readdirSync(bench)
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) => sourcesRequired(fs.readFileSync(path.join(bench, f), 'utf8')).map((m) => ({ f, m })))
    .filter(({ m }) => !fs.existsSync(path.join(root, m)))
    .map(({ f, m }) => `bench/${f}: ${m}`);
  expect(missing).toEqual([]);
});
