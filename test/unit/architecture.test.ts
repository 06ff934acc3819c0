/**
 * The house rules of src/, read from the source itself with the TypeScript
 * compiler (ts.preProcessFile lists a file's imports without type-checking it):
 * no import cycle between the files of src/, no file over 250 lines, no
 * write to the database outside the request service (src/requests/) and src/db/,
 * and no import between folders that the table in docs/ARCHITECTURE.md does not
 * allow (the doc is the rule: a folder or an import it does not name fails here).
 *
 * Type-only imports count: `import type { Automated } from './automated'` is
 * erased from the JavaScript, but it still ties the two files together (one
 * cannot be read, moved or changed without the other), so it is an edge of the
 * graph like any import. So are `export ... from`, require() and import().
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'src');
const MAX_LINES = 250;

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}

/** The file a relative import names, as Node and tsc resolve it here (x.ts or x/index.ts); null when none exists. */
function resolveImport(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => f.endsWith('.ts') && fs.existsSync(f)) ?? null;
}

/** Each file of src/ with the files of src/ it imports, in the order it imports them; and imports that name no file. */
function importGraph(files: string[]): { graph: Map<string, string[]>; unresolved: string[] } {
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const specs = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
    const targets: string[] = [];
    for (const spec of specs.filter((s) => s.startsWith('.'))) {
      const target = resolveImport(file, spec);
      if (target === null) unresolved.push(`${rel(file)}: '${spec}'`);
      else if (target.startsWith(src + path.sep) && !targets.includes(rel(target))) targets.push(rel(target));
    }
    graph.set(rel(file), targets);
  }
  return { graph, unresolved };
}

/** The first cycle a depth-first walk meets (files in sorted order), as [a, b, ..., a]; null when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const walk: string[] = [];
  const visit = (node: string): string[] | null => {
    const at = walk.indexOf(node);
    if (at >= 0) return [...walk.slice(at), node];
    if (done.has(node)) return null;
    walk.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    walk.pop();
    done.add(node);
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

function lineCount(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0); // as wc -l counts them
}

/**
 * Where a file writes to the database: drizzle's insert/update/delete in a file that imports src/db/
 * (whose tables they would take), or SQL that writes, in any file. Read off the text, so a write
 * spelled another way is missed; these are the ways this code base writes.
 */
function writesIn(text: string, importsSchema: boolean): string[] {
  const sqlWrites = text.match(/\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b/gi) ?? [];
  const drizzleWrites = importsSchema ? [...text.matchAll(/\.(?:insert|update|delete)\(\s*(\w+)\s*\)/g)].filter((m) => TABLES.has(m[1])).map((m) => m[0]) : [];
  return [...sqlWrites, ...drizzleWrites];
}

/** The tables src/db/ defines (`export const outbox = sqliteTable(...)`; db/schema exports them all). */
const TABLES = new Set(
  sourceFiles(path.join(src, 'db')).flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/export const (\w+) = sqliteTable\(/g)].map((m) => m[1])),
);

const WRITERS = ['src/requests/', 'src/db/'];

/** The room of src/ a file is in: its top folder (`intake/`), or itself when it sits in src/ (`clock.ts`). */
function roomOf(file: string): string {
  const parts = path.relative(src, path.join(root, file)).split(path.sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0];
}

/** The folder table of docs/ARCHITECTURE.md: each row's room and the rooms it may import (its third cell's `code` spans). */
function allowedImports(markdown: string): Map<string, string[]> {
  const rows = markdown.split('\n').filter((l) => /^\| `[^`]+` \|/.test(l));
  return new Map(
    rows.map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return [cells[1].replace(/`/g, ''), [...cells[3].matchAll(/`([^`]+)`/g)].map((m) => m[1])];
    }),
  );
}

/** Every import from one room into another that `allowed` does not list, as "from → to (file → file)". */
function forbiddenImports(g: Map<string, string[]>, allowed: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [file, targets] of g) {
    const from = roomOf(file);
    for (const target of targets) {
      const to = roomOf(target);
      if (to !== from && !(allowed.get(from) ?? []).includes(to)) bad.push(`${from} → ${to} (${file} → ${target})`);
    }
  }
  return bad;
}

const ARCHITECTURE = fs.readFileSync(path.join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');

const files = sourceFiles(src);
const { graph, unresolved } = importGraph(files);

describe('the cycle finder', () => {
  test('finds a cycle and names it from where the walk entered it', () => {
    // Walked by hand: a → b → c → a closes at a; d also reaches a but is visited after.
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['x', ['x']]]))).toEqual(['x', 'x']);
  });

  test('a diamond (two paths to one file) is no cycle', () => {
    const g = new Map([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['c', ['d']],
      ['d', []],
    ]);
    expect(findCycle(g)).toBeNull();
  });
});

describe('the write finder', () => {
  test('finds drizzle and SQL writes, and not a Map or a hash', () => {
    expect([...TABLES]).toEqual(expect.arrayContaining(['tickets', 'messages', 'events', 'outbox', 'suppressions', 'quarantine', 'spam', 'mailboxState']));
    // Each line below written by hand: two drizzle writes, two SQL writes, then three that write nothing.
    const text = [
      'tx.update(outbox).set({ status: 1 }).run();',
      'db.insert(tickets).values(v).run();',
      "db.$client.prepare('UPDATE outbox SET status = ?').run(1);",
      'tx.run(sql`DELETE FROM suppressions WHERE address = ${a}`);',
      'seen.delete(uid); hash.update(`${a}`); db.select().from(outbox).all();',
    ].join('\n');
    expect(writesIn(text, true)).toEqual(['UPDATE outbox SET', 'DELETE FROM', '.update(outbox)', '.insert(tickets)']);
    expect(writesIn(text, false)).toEqual(['UPDATE outbox SET', 'DELETE FROM']);
    expect(writesIn('seen.delete(uid); hash.update(`${a}`);', true)).toEqual([]);
  });
});

describe('the folder rule', () => {
  test('reads the table and finds an import it does not allow', () => {
    // A table written by hand: a may import b; b may import nothing.
    const table = ['| folder | owns | may import |', '|---|---|---|', '| `a/` | x | `b/` `c.ts` |', '| `b/` | y | |'].join('\n');
    const allowed = allowedImports(table);
    expect([...allowed]).toEqual([
      ['a/', ['b/', 'c.ts']],
      ['b/', []],
    ]);
    const g = new Map([
      ['src/a/one.ts', ['src/b/two.ts', 'src/a/three.ts']],
      ['src/b/two.ts', ['src/a/one.ts']],
    ]);
    expect(forbiddenImports(g, allowed)).toEqual(['b/ → a/ (src/b/two.ts → src/a/one.ts)']);
  });
});

describe('src/', () => {
  test('every relative import names a file (so no edge is missed)', () => {
    expect(unresolved).toEqual([]);
  });

  test('the graph holds value, type-only and re-export imports', () => {
    // Read off the source: automated.ts imports parseBounce (a value) from ./dsn; parse.ts has
    // `import type { Automated } from './automated'` and `export { header, ... } from './email'`.
    expect(graph.get('src/mail/automated.ts')).toContain('src/mail/dsn.ts');
    expect(graph.get('src/mail/parse.ts')).toEqual(expect.arrayContaining(['src/mail/automated.ts', 'src/mail/email.ts']));
  });

  test('no import cycle (type-only imports count too)', () => {
    const cycle = findCycle(graph);
    expect(cycle && cycle.join(' → ')).toBeNull();
  });

  test(`no file over ${MAX_LINES} lines`, () => {
    const over = files.map((f) => ({ file: rel(f), lines: lineCount(f) })).filter((f) => f.lines > MAX_LINES);
    expect(over.map((f) => `${f.file}: ${f.lines} lines`)).toEqual([]);
  });

  test('docs/ARCHITECTURE.md has a row for every folder of src/, and no more', () => {
    const rooms = [...new Set(files.map((f) => roomOf(rel(f))))].sort();
    expect([...allowedImports(ARCHITECTURE).keys()].sort()).toEqual(rooms);
  });

  test('every import between folders is one docs/ARCHITECTURE.md allows', () => {
    expect(forbiddenImports(graph, allowedImports(ARCHITECTURE))).toEqual([]);
  });

  test('only the request service and src/db/ write to the database', () => {
    const writers = files
      .map((f) => ({ file: rel(f), text: fs.readFileSync(f, 'utf8') }))
      .filter((f) => !WRITERS.some((w) => f.file.startsWith(w)))
      .map((f) => ({ file: f.file, writes: writesIn(f.text, (graph.get(f.file) ?? []).some((t) => t.startsWith('src/db/'))) }))
      .filter((f) => f.writes.length > 0);
    expect(writers.map((f) => `${f.file}: ${f.writes.join(', ')}`)).toEqual([]);
  });
});
