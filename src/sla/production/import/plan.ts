/**
 * An import as a whole: for each year asked, its decree derived and proven
 * (derive.ts), what it changes against the rules alone and against what the
 * data file had for that year, and the data the file is to hold afterwards.
 * Nothing is written here.
 */
import type { Decree, ProductionData } from '../data';
import { Production } from '../year';
import { deriveDecree, withDecree } from './derive';
import { diffYear } from './diff';
import { ImportError, type Published } from './published';

export interface YearImport {
  year: number;
  decree: Decree;
  /** Against the rules alone. */
  againstRules: string[];
  /** What the data file had for the year. */
  before: 'decree' | 'listed' | 'nothing';
  /** Against what the data file had: empty and unchanged: the same decree. */
  againstData: string[];
  unchanged: boolean;
  /** Other years the import changes too (a move across years in the old decree), one line each. */
  elsewhere: string[];
  notes: string[];
}

export interface ImportPlan {
  data: ProductionData;
  years: YearImport[];
}

export function planImport(data: ProductionData, where: string, published: Published, opts: { years?: number[]; source?: string } = {}): ImportPlan {
  const inFile = published.years.map((y) => y.year);
  if (inFile.length === 0) throw new ImportError(`${published.file}: the file lists no days`);
  for (const y of opts.years ?? []) if (!inFile.includes(y)) throw new ImportError(`${published.file}: the file has no ${y} (it has ${inFile.join(', ')})`);
  const chosen = published.years.filter((y) => !opts.years || opts.years.includes(y.year));

  const old = new Production(data, where);
  let current = data;
  const derived = chosen.map((pub) => {
    const d = deriveDecree(current, where, opts.source ? { ...pub, source: opts.source } : pub);
    const had = data.decrees[String(pub.year)];
    // The same days as the data file's decree: that decree stays (it may say more, e.g. where a day off came from), with a new source if one is given.
    if (had && diffYear(old, d.production, pub.year).length === 0) {
      const source = opts.source ?? pub.source ?? had.source;
      d.decree = { ...had, ...(source ? { source } : {}) };
      d.production = new Production(withDecree(current, pub.year, d.decree), where);
      d.notes.push(`the same days as decrees.${pub.year} in the data file: it stays as it is${source !== had.source ? ', with the new source' : ''}`);
    }
    current = withDecree(current, pub.year, d.decree);
    return d;
  });

  const after = new Production(current, where);
  const years = derived.map((d): YearImport => {
    const key = String(d.year);
    const before = data.years[key] ? 'listed' : data.decrees[key] ? 'decree' : 'nothing';
    const againstData = before === 'nothing' ? [] : diffYear(old, after, d.year);
    const elsewhere = [d.year - 1, d.year + 1].filter((y) => !chosen.some((c) => c.year === y)).flatMap((y) => diffYear(old, after, y));
    return {
      year: d.year,
      decree: d.decree,
      againstRules: diffYear(d.base, d.production, d.year),
      before,
      againstData,
      unchanged: before === 'decree' && sameDecree(data.decrees[key], d.decree),
      elsewhere,
      notes: d.notes,
    };
  });
  return { data: current, years };
}

const sortedCopy = (xs: string[]) => [...xs].sort();

export function sameDecree(a: Decree, b: Decree): boolean {
  const norm = (d: Decree) =>
    JSON.stringify({
      source: d.source ?? null,
      transfers: d.transfers.map((t) => `${t.from}>${t.to}`).sort(),
      days_off: sortedCopy(d.days_off),
      workdays: sortedCopy(d.workdays),
      shortened: sortedCopy(d.shortened),
    });
  return norm(a) === norm(b);
}
