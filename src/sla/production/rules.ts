/**
 * A country's law of working time: its public holidays, what happens when one
 * falls on a weekend, and whether the day before one is shorter. One file per
 * country (ru.ts); what the law leaves to a yearly decree is data, not rules.
 */
import { ru } from './ru';

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

const COUNTRIES: Record<string, CountryRules> = { ru };

export function rulesFor(code: string): CountryRules {
  const r = COUNTRIES[code];
  if (!r) throw new Error(`no rules for country "${code}" (known: ${Object.keys(COUNTRIES).join(', ')})`);
  return r;
}

export const knownCountries = (): string[] => Object.keys(COUNTRIES);
