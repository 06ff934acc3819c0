/**
 * What a country file (ru.ts) gives: its law of working time in one shape.
 * Apart from rules.ts, which lists the countries, so that a country file
 * needs nothing from the list it is on (rules.ts re-exports these names).
 */
export interface Holiday {
  date: string;
  /** In English, and as the law names it. */
  name: string;
  local: string;
  /** When it falls on a weekend day, the day off moves to the next working day (Russia: all but the January ones). */
  movesOffWeekend: boolean;
}

export interface CountryRules {
  code: string;
  /** The law the rules come from, for people reading the output. */
  law: string;
  /** The first year these rules hold (the current wording of the law). */
  since: number;
  /** ISO weekdays of the weekend (6 = Saturday, 7 = Sunday). */
  weekend: readonly number[];
  holidays(year: number): Holiday[];
  /**
   * A working day directly before a public holiday is shorter (Russia: art. 95,
   * by one hour); so is a weekend day made working whose day off went to such
   * an eve: it works in the eve's place (Russia: 1 November 2025 for 3 November).
   */
  shortensEve: boolean;
}
