/**
 * The decree of a published year: what the rules alone do not give. Compared
 * with the year computed by the rules alone (the data file without that
 * year's decree or listing), the file's new weekday days off are paired with
 * the day they were moved from when the file says it (XML f, show JSON from),
 * else in date order with the weekend days that need a day off elsewhere: a
 * weekend holiday whose move by the law the file cancels, a weekend day the
 * file makes working. Days off left over are bridge days (days_off), weekend
 * days left over are working without a transfer (workdays); short days beyond
 * the rules' are the decree's (shortened). Then the year is computed with the
 * decree and compared with the file on every date: what no decree can give
 * (a holiday made working, a rules' short day made full) is refused, naming
 * the date.
 */
import { datesOf } from '../dates';
import { ProductionDataError, type Decree, type ProductionData } from '../data';
import { Production } from '../year';
import { day, offText, workingText } from './describe';
import { fileDay, ImportError, type PublishedYear } from './published';
import { mismatches } from './verify';

export interface Derived {
  year: number;
  decree: Decree;
  /** The year by the rules alone (the data without this year's decree or listing). */
  base: Production;
  /** The year with the derived decree. */
  production: Production;
  /** What the file could not say, for the person reading the diff. */
  notes: string[];
}

/** The data with the year's decree set (or removed: undefined), and the year's whole listing removed (it would win). */
export function withDecree(data: ProductionData, year: number, decree: Decree | undefined): ProductionData {
  const key = String(year);
  const decrees = Object.fromEntries(Object.entries(data.decrees).filter(([k]) => k !== key));
  if (decree) decrees[key] = decree;
  return { ...data, decrees, years: Object.fromEntries(Object.entries(data.years).filter(([k]) => k !== key)) };
}

function build(data: ProductionData, where: string, year: number): Production {
  try {
    return new Production(data, where);
  } catch (err) {
    if (!(err instanceof ProductionDataError)) throw err;
    throw new ImportError(`the decree derived for ${year} does not hold against the rules:\n${err.message}`);
  }
}

const refuse = (year: number, problems: string[]) => {
  if (problems.length) throw new ImportError(`${year} cannot be imported: no decree on top of the rules gives this calendar:\n${problems.map((p) => `  ${p}`).join('\n')}`);
};

export function deriveDecree(data: ProductionData, where: string, pub: PublishedYear): Derived {
  const Y = pub.year;
  const base = build(withDecree(data, Y, undefined), where, Y);
  const rules = base.rules;
  if (!rules) throw new ImportError(`${where}: no rules: a decree is applied on top of a country's rules; set them first (e.g. rules: ru)`);
  if (Y < rules.since) throw new ImportError(`${Y} is before ${rules.since}, the first year of the rules (${rules.law}): a decree cannot be applied to it`);
  const holidays = new Map(rules.holidays(Y).map((h) => [h.date, h]));
  const fileOf = (d: string) => fileDay(pub, d, base.isWeekend(d));
  const dates = [...datesOf(Y)];

  // No decree makes a public holiday a working day.
  refuse(Y, dates.filter((d) => fileOf(d).working === true && holidays.has(d)).map((d) => `${day(d)}: the file has it as a working day, but it is a public holiday (${holidays.get(d)!.name}): no decree makes a holiday a working day`));
  const stated = statedMoves(pub, base, new Set(holidays.keys()));
  const moved = build(withDecree(data, Y, { transfers: stated, days_off: [], workdays: [], shortened: [] }), where, Y);
  const { newDaysOff, sources } = stillDifferent(moved, dates, (d) => fileOf(d).working);
  const decree = pairUp(stated, newDaysOff, sources, Y);

  // Short days beyond the rules' (which follow the days off just derived).
  const notes: string[] = [];
  if (pub.asserts.shortened) {
    const p = build(withDecree(data, Y, decree), where, Y);
    decree.shortened = dates.filter((d) => pub.shortened.has(d) && p.isWorking(d) && !p.year(Y).shortened.has(d));
  } else notes.push("the file lists no short days: the rules' short days stay");
  if (!pub.asserts.workdays) notes.push('the file lists no working weekend days: weekend days are as the rules have them');
  if (pub.source) decree.source = pub.source;

  const production = build(withDecree(data, Y, decree), where, Y);
  refuse(Y, mismatches(production, pub));
  return { year: Y, decree, base, production, notes };
}

/** The moves the file states itself (XML f, show JSON from) that the rules and the other years' decrees do not already make. */
function statedMoves(pub: PublishedYear, base: Production, holidays: ReadonlySet<string>): Decree['transfers'] {
  const Y = pub.year;
  const problems: string[] = [];
  const transfers: Decree['transfers'] = [];
  const movedTo = new Map<string, string>();
  for (const [to, { from }] of pub.off) {
    if (!from || holidays.has(to)) continue;
    const was = base.year(Y).off.get(to);
    if (was && (was.reason === 'moved' || was.reason === 'decree') && was.from === from) continue;
    if (!from.startsWith(`${Y}-`)) problems.push(`${day(to)}: its day off comes from ${from}, outside ${Y}: a move across years is not imported; write it into the data file by hand`);
    else if (!base.isWeekend(from)) problems.push(`${day(to)}: the file moves its day off from ${day(from)}, which is not a weekend day`);
    else if (base.isWeekend(to)) problems.push(`${day(to)}: the file moves the day off of ${from} to a weekend day`);
    else if (movedTo.has(from)) problems.push(`${from}: the file moves its day off twice, to ${movedTo.get(from)} and to ${to}`);
    else (movedTo.set(from, to), transfers.push({ from, to }));
  }
  refuse(Y, problems);
  return transfers;
}

interface Source {
  /** The weekend day whose day off has to go somewhere. */
  from: string;
  /** The weekday the rules moved it to, which the file has working. */
  cancels?: string;
}

/** After the stated moves: the file's new weekday days off, and the weekend days whose day off needs a place. */
function stillDifferent(moved: Production, dates: string[], fileWorking: (d: string) => boolean | undefined): { newDaysOff: string[]; sources: Source[] } {
  const problems: string[] = [];
  const newDaysOff: string[] = [];
  const sources: Source[] = [];
  for (const d of dates) {
    const f = fileWorking(d);
    if (f === undefined || f === moved.isWorking(d)) continue;
    const weekend = moved.isWeekend(d);
    if (!f && !weekend) newDaysOff.push(d);
    else if (!f) problems.push(`${day(d)}: the file has it as a day off, but it is ${workingText(moved, d)}`);
    else if (weekend) sources.push({ from: d });
    else {
      const o = moved.year(Number(d.slice(0, 4))).off.get(d);
      if (o?.reason === 'moved') sources.push({ from: o.from, cancels: d });
      else problems.push(`${day(d)}: the file has it as a working day, but it is a day off (${offText(moved, d)}) by another year's decree in the data file`);
    }
  }
  refuse(Number(dates[0].slice(0, 4)), problems);
  return { newDaysOff, sources: sources.sort((a, b) => (a.from < b.from ? -1 : 1)) };
}

/** New days off and sources paired in date order; days off left are bridge days, weekend days left are working without a move. */
function pairUp(stated: Decree['transfers'], newDaysOff: string[], sources: Source[], Y: number): Decree {
  const n = Math.min(newDaysOff.length, sources.length);
  const transfers = [...stated, ...sources.slice(0, n).map((s, i) => ({ from: s.from, to: newDaysOff[i] }))];
  refuse(
    Y,
    sources
      .slice(n)
      .filter((s) => s.cancels)
      .map((s) => `${day(s.cancels!)}: the file has it as a working day; it is the rules' day off for the holiday of ${day(s.from)}, which a decree may move to another day but not drop, and the file has no other new day off for it`),
  );
  return {
    transfers: transfers.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1)),
    days_off: newDaysOff.slice(n),
    workdays: sources.slice(n).map((s) => s.from),
    shortened: [],
  };
}
