/**
 * One year of a production calendar: the country's rules, then the year's
 * decree on top; or the year as the data file lists it whole. A year without
 * either is computed by the rules alone and is provisional.
 */
import { addDays, datesOf, weekday } from './dates';
import { emptyDecree, ProductionDataError, type Decree, type ProductionData } from './data';
import { rulesFor, type CountryRules, type Holiday } from './rules';

export type OffDay =
  | { reason: 'holiday'; holiday: string; local: string }
  /** A holiday's weekend day off, moved by the law to the next working day. */
  | { reason: 'moved'; from: string; holiday: string; local: string }
  /** A day off the decree gave: moved from a weekend day, or a bridge day without one. */
  | { reason: 'decree'; from?: string }
  /** A day off of a year the data file lists whole. */
  | { reason: 'listed' };

/** rule: the working eve of a holiday (`before`), or a weekend day worked in the place of that eve (`for`). */
export type ShortDay = { reason: 'rule'; before: string; for?: string } | { reason: 'decree' } | { reason: 'listed' };

export interface ProductionYear {
  year: number;
  /** decree: rules + the year's decree; listed: the data file lists the year whole; rules: rules alone; none: no rules, no data. */
  basis: 'decree' | 'listed' | 'rules' | 'none';
  /** Nobody vouched for this year: no decree and no listing in the data file. */
  provisional: boolean;
  source?: string;
  /** Days off that are not ordinary weekend days, and holidays on weekends, by date. */
  off: ReadonlyMap<string, OffDay>;
  /** Weekend days that are working days; `to`: where their day off went. */
  workdays: ReadonlyMap<string, { to?: string }>;
  shortened: ReadonlyMap<string, ShortDay>;
}

/** The years of a data file, computed on demand and kept. */
export class Production {
  readonly rules: CountryRules | null;
  private readonly known = new Map<number, ProductionYear>();
  private readonly moves: Transfers;

  constructor(
    readonly data: ProductionData,
    readonly where = data.name,
  ) {
    try {
      this.rules = data.rules ? rulesFor(data.rules) : null;
    } catch (err) {
      throw new ProductionDataError(`${where}: rules: ${(err as Error).message}`);
    }
    this.moves = transfersOf(data.decrees);
    this.check();
  }

  get shortenedByMinutes(): number {
    return this.data.shortened_by_minutes;
  }

  isWeekend(date: string): boolean {
    return (this.rules?.weekend ?? [6, 7]).includes(weekday(date));
  }

  /** A working day of the five-day week this calendar describes. */
  isWorking(date: string): boolean {
    const y = this.year(Number(date.slice(0, 4)));
    return !y.off.has(date) && (!this.isWeekend(date) || y.workdays.has(date));
  }

  year(year: number): ProductionYear {
    let y = this.known.get(year);
    if (!y) this.known.set(year, (y = this.compute(year)));
    return y;
  }

  private compute(year: number): ProductionYear {
    const listed = this.data.years[String(year)];
    if (listed) return listedYear(this, year, listed);
    const rules = this.rules && year >= this.rules.since ? this.rules : null;
    const decree = this.data.decrees[String(year)];
    if (!rules) return { year, basis: 'none', provisional: true, off: new Map(), workdays: new Map(), shortened: new Map() };
    return ruledYear(rules, year, decree, this.moves, (d) => this.isWeekend(d));
  }

  /** Every decree must make sense against the rules: the mistakes a person makes typing one are caught at start. */
  private check(): void {
    const problems: string[] = [];
    const decrees = Object.entries(this.data.decrees);
    if (decrees.length > 0 && !this.rules) problems.push('decrees: a decree is applied on top of rules: set rules (e.g. rules: ru)');
    const rules = this.rules;
    const seen = { from: new Map<string, string>(), to: new Map<string, string>() };
    for (const [key, d] of rules ? decrees : []) {
      const at = (what: string, date: string, why: string) => void problems.push(`decrees.${key}${what ? `.${what}` : ''}: ${date} ${why}`);
      if (Number(key) < rules!.since) {
        at('', key, `is before ${rules!.since}, the first year of the ${rules!.code} rules: list such a year whole under years:`);
        continue;
      }
      if (this.data.years[key]) at('', key, `is also listed whole under years.${key}, which wins: keep one of them`);
      const hol = new Set(holidaysAround(rules!, Number(key)).map((h) => h.date));
      const lawMoves = new Set([...this.ruleMoves(Number(key) - 1), ...this.ruleMoves(Number(key))]);
      const inYear = (what: string, date: string): boolean => date.startsWith(`${key}-`) || (at(what, date, `is not in ${key}`), false);
      const dayOff = (what: string, date: string, from?: string) => {
        if (this.isWeekend(date) || hol.has(date)) at(what, date, 'is not a working weekday: a day off must go to one');
        else if (lawMoves.has(date)) at(what, date, 'is already the day off the law moves a weekend holiday to');
        else if (seen.to.has(date)) at(what, date, `is already the day off of ${seen.to.get(date)}`);
        seen.to.set(date, `${from ?? 'a bridge'} (decrees.${key})`);
      };
      d.transfers.forEach((t, i) => {
        if (!this.isWeekend(t.from)) at(`transfers[${i}].from`, t.from, 'is not a weekend day: a transfer moves a weekend day off');
        else if (seen.from.has(t.from)) at(`transfers[${i}].from`, t.from, `is already moved by ${seen.from.get(t.from)}`);
        seen.from.set(t.from, `decrees.${key}`);
        if (!t.from.startsWith(`${key}-`) && !t.to.startsWith(`${key}-`)) at(`transfers[${i}]`, `${t.from} → ${t.to}`, `does not touch ${key}`);
        dayOff(`transfers[${i}].to`, t.to, t.from);
      });
      d.days_off.forEach((x, i) => inYear(`days_off[${i}]`, x) && dayOff(`days_off[${i}]`, x));
      d.workdays.forEach((x, i) => inYear(`workdays[${i}]`, x) && (!this.isWeekend(x) || hol.has(x)) && at(`workdays[${i}]`, x, 'is not a weekend day that could be made working'));
      d.shortened.forEach((x, i) => inYear(`shortened[${i}]`, x) && !this.isWorking(x) && at(`shortened[${i}]`, x, 'is not a working day'));
    }
    for (const [key, y] of Object.entries(this.data.years)) {
      const at = (what: string, date: string, why: string) => void problems.push(`years.${key}.${what}: ${date} ${why}`);
      for (const k of ['holidays', 'workdays', 'shortened'] as const) y[k].forEach((x, i) => x.startsWith(`${key}-`) || at(`${k}[${i}]`, x, `is not in ${key}`));
      y.workdays.forEach((x, i) => this.isWeekend(x) || at(`workdays[${i}]`, x, 'is not a weekend day'));
      y.shortened.forEach((x, i) => this.isWorking(x) || at(`shortened[${i}]`, x, 'is not a working day'));
    }
    if (problems.length) throw new ProductionDataError(problems.map((p) => `${this.where}: ${p}`).join('\n'));
  }

  /** The days the law alone moves a year's weekend holidays to (no decree). */
  private ruleMoves(year: number): string[] {
    if (!this.rules || year < this.rules.since) return [];
    const bare = ruledYear(this.rules, year, undefined, transfersOf({}), (d) => this.isWeekend(d));
    return [...bare.off].filter(([, o]) => o.reason === 'moved').map(([d]) => d);
  }
}

/** Every decree's transfers, by the day they move from and the day they move to. */
interface Transfers {
  from: ReadonlyMap<string, string>;
  to: ReadonlyMap<string, string>;
  /** Days made free or working by any decree (a move of the law skips them). */
  daysOff: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

function transfersOf(decrees: ProductionData['decrees']): Transfers {
  const all = Object.values(decrees);
  return {
    from: new Map(all.flatMap((d) => d.transfers.map((t) => [t.from, t.to] as const))),
    to: new Map(all.flatMap((d) => d.transfers.map((t) => [t.to, t.from] as const))),
    daysOff: new Set(all.flatMap((d) => d.days_off)),
    workdays: new Set(all.flatMap((d) => d.workdays)),
  };
}

const holidaysAround = (rules: CountryRules, year: number): Holiday[] => [year - 1, year, year + 1].flatMap((y) => (y >= rules.since ? rules.holidays(y) : []));

function ruledYear(rules: CountryRules, year: number, decree: Decree | undefined, moves: Transfers, isWeekend: (d: string) => boolean): ProductionYear {
  const d = decree ?? emptyDecree();
  const inYear = (date: string) => date.startsWith(`${year}-`);
  const holidays = holidaysAround(rules, year);
  const hol = new Map(holidays.map((h) => [h.date, h]));
  const off = new Map<string, OffDay>();
  const workdays = new Map<string, { to?: string }>();
  const shortened = new Map<string, ShortDay>();

  for (const [from, to] of moves.from) {
    if (inYear(from) && !hol.has(from)) workdays.set(from, { to });
  }
  for (const w of moves.workdays) if (inYear(w)) workdays.set(w, {});
  for (const h of holidays) if (inYear(h.date)) off.set(h.date, { reason: 'holiday', holiday: h.name, local: h.local });
  for (const [to, from] of moves.to) if (inYear(to)) off.set(to, { reason: 'decree', from });
  for (const x of moves.daysOff) if (inYear(x)) off.set(x, { reason: 'decree' });

  // The law's moves: a weekend day that is a holiday goes to the next working day, unless a decree moved it elsewhere.
  const taken = new Set([...moves.to.keys(), ...moves.daysOff]);
  const free = (x: string) => (!isWeekend(x) || moves.workdays.has(x) || (moves.from.has(x) && !hol.has(x))) && !hol.has(x) && !taken.has(x);
  for (const h of holidays) {
    if (h.date > `${year}-12-31` || !h.movesOffWeekend || !isWeekend(h.date) || moves.from.has(h.date)) continue;
    let x = addDays(h.date, 1);
    while (!free(x)) x = addDays(x, 1);
    taken.add(x);
    if (inYear(x)) off.set(x, { reason: 'moved', from: h.date, holiday: h.name, local: h.local });
  }

  const working = (x: string) => !off.has(x) && (!isWeekend(x) || workdays.has(x));
  if (rules.shortensEve) {
    for (const x of datesOf(year)) if (working(x) && hol.has(addDays(x, 1))) shortened.set(x, { reason: 'rule', before: addDays(x, 1) });
    for (const [x, { to }] of workdays) if (to && working(x) && hol.has(addDays(to, 1))) shortened.set(x, { reason: 'rule', before: addDays(to, 1), for: to });
  }
  for (const x of d.shortened) shortened.set(x, { reason: 'decree' });
  return {
    year,
    basis: decree ? 'decree' : 'rules',
    provisional: !decree,
    ...(d.source ? { source: d.source } : {}),
    off: sorted(off),
    workdays: sorted(workdays),
    shortened: sorted(shortened),
  };
}

function listedYear(p: Pick<Production, 'rules'>, year: number, listed: ProductionData['years'][string]): ProductionYear {
  const hol = new Map((p.rules ? p.rules.holidays(year) : []).map((h) => [h.date, h]));
  const off = new Map<string, OffDay>();
  for (const x of listed.holidays) {
    const h = hol.get(x);
    off.set(x, h ? { reason: 'holiday', holiday: h.name, local: h.local } : { reason: 'listed' });
  }
  return {
    year,
    basis: 'listed',
    provisional: false,
    off: sorted(off),
    workdays: sorted(new Map(listed.workdays.map((x) => [x, {}]))),
    shortened: sorted(new Map(listed.shortened.map((x) => [x, { reason: 'listed' as const }]))),
  };
}

const sorted = <T>(m: Map<string, T>): Map<string, T> => new Map([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
