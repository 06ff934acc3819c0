/**
 * The data file with the imported decrees: edited through yaml's Document API,
 * so its comments and the other years stay as they were; a decree is written
 * as a person would (transfers one flow map a line, dates unquoted, empty
 * lists left out). A year listed whole under years: loses that listing (it
 * would win over the decree). The file is replaced atomically, its mode kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, parse, parseDocument, YAMLMap, YAMLSeq, type Document, type Node, type Pair } from 'yaml';
import { parseProductionData, type Decree, type ProductionData } from '../data';
import { Production } from '../year';
import { ImportError } from './published';

export interface Edit {
  text: string;
  /** Years whose whole listing (years.YYYY) was removed. */
  unlisted: number[];
}

export function editDataFile(text: string, where: string, decrees: { year: number; decree: Decree }[]): Edit {
  const doc: Document = parseDocument(text);
  if (doc.errors.length) throw new ImportError(`${where}: ${doc.errors[0].message}`);
  if (!isMap(doc.contents)) throw new ImportError(`${where}: not a mapping at the top`);
  const top: YAMLMap = doc.contents;
  const found: unknown = top.get('decrees', true);
  const map: YAMLMap = isMap(found) ? found : new YAMLMap();
  if (!isMap(found)) {
    const had = top.items.find((p) => keyOf(p) === 'decrees');
    const at = top.items.findIndex((p) => keyOf(p) === 'years');
    if (had) had.value = map; // `decrees:` with nothing under it
    else if (at < 0) top.items.push(doc.createPair('decrees', map));
    else top.items.splice(at, 0, doc.createPair('decrees', map));
  }
  const unlisted: number[] = [];
  for (const { year, decree } of decrees) {
    setYear(doc, map, year, decreeNode(doc, decree));
    const years = top.get('years', true);
    if (isMap(years)) {
      const i = years.items.findIndex((p) => keyOf(p) === String(year));
      if (i < 0) continue;
      years.items.splice(i, 1);
      unlisted.push(year);
      if (years.items.length === 0) top.items.splice(top.items.findIndex((p) => keyOf(p) === 'years'), 1);
    }
  }
  // One line a transfer, as `{ from: …, to: … }`; date lists as [a, b] (the file's own style).
  const out = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/\{from: (\d{4}-\d{2}-\d{2}), to: (\d{4}-\d{2}-\d{2})\}/g, '{ from: $1, to: $2 }');
  return { text: out, unlisted };
}

const keyOf = (p: Pair<unknown, unknown>): string => String(isScalar(p.key) ? p.key.value : p.key);

/** The year's entry replaced in place, or added in year order. */
function setYear(doc: Document, map: YAMLMap, year: number, value: Node): void {
  const i = map.items.findIndex((p) => keyOf(p) === String(year));
  if (i >= 0) {
    map.items[i].value = value;
    return;
  }
  const after = map.items.findIndex((p) => Number(keyOf(p)) > year);
  const pair = doc.createPair(year, value);
  if (after < 0) map.items.push(pair);
  else map.items.splice(after, 0, pair);
}

function decreeNode(doc: Document, d: Decree): Node {
  const m = new YAMLMap();
  if (d.source) m.add(doc.createPair('source', d.source));
  if (d.transfers.length) {
    const seq = new YAMLSeq();
    for (const t of d.transfers) {
      const one = doc.createNode({ from: t.from, to: t.to });
      one.flow = true;
      seq.items.push(one);
    }
    m.add(doc.createPair('transfers', seq));
  }
  for (const key of ['days_off', 'workdays', 'shortened'] as const) {
    if (d[key].length === 0) continue;
    const seq = doc.createNode([...d[key]]);
    seq.flow = true;
    m.add(doc.createPair(key, seq));
  }
  // A decree that changes nothing the rules give still vouches for the year.
  if (m.items.length === 0) m.flow = true;
  return m;
}

/**
 * Writes text to file through a temp file beside it: check(temp) must accept
 * it first (loads it as the daemon would); then it replaces the file at once,
 * with the file's mode.
 */
export function replaceFile(file: string, text: string, check: (temp: string) => void): void {
  const mode = fs.statSync(file).mode & 0o7777;
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.import-${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode });
    fs.chmodSync(temp, mode);
    check(temp);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** The edited text must read back as exactly the data the import computed (and hold against the rules). */
export function checkReadsBack(written: ProductionData | string, expected: ProductionData, where: string): void {
  const data = typeof written === 'string' ? parseProductionData(parse(written), where) : written;
  new Production(data, where);
  if (canonical(data) !== canonical(expected)) throw new ImportError(`${where}: the edited file does not read back as the import (not written)`);
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
