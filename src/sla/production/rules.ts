/**
 * A country's law of working time: its public holidays, what happens when one
 * falls on a weekend, and whether the day before one is shorter. One file per
 * country (ru.ts); what the law leaves to a yearly decree is data, not rules.
 */
import type { CountryRules } from './country';
import { ru } from './ru';

export type { CountryRules, Holiday } from './country';

const COUNTRIES: Record<string, CountryRules> = { ru };

export function rulesFor(code: string): CountryRules {
  const r = COUNTRIES[code];
  if (!r) throw new Error(`no rules for country "${code}" (known: ${Object.keys(COUNTRIES).join(', ')})`);
  return r;
}

export const knownCountries = (): string[] => Object.keys(COUNTRIES);
