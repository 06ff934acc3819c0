/**
 * Russia. Labour Code art. 112 (public holidays; a weekend day that coincides
 * with a holiday other than the January ones moves to the next working day;
 * the Government moves two of the January weekend days, and may move others,
 * by a yearly decree) and art. 95 (the working day directly before a public
 * holiday is one hour shorter; a Saturday made working in the place of such
 * an eve is shortened with it, as the official tables do: 1 November 2025,
 * whose day off went to Monday 3 November, the eve of 4 November). In this
 * wording since 2013.
 */
import { isoDate } from './dates';
import type { CountryRules, Holiday } from './country';

const DAYS: [month: number, day: number, name: string, local: string][] = [
  [1, 1, 'New Year holidays', 'Новогодние каникулы'],
  [1, 2, 'New Year holidays', 'Новогодние каникулы'],
  [1, 3, 'New Year holidays', 'Новогодние каникулы'],
  [1, 4, 'New Year holidays', 'Новогодние каникулы'],
  [1, 5, 'New Year holidays', 'Новогодние каникулы'],
  [1, 6, 'New Year holidays', 'Новогодние каникулы'],
  [1, 7, 'Christmas', 'Рождество Христово'],
  [1, 8, 'New Year holidays', 'Новогодние каникулы'],
  [2, 23, 'Defender of the Fatherland Day', 'День защитника Отечества'],
  [3, 8, "International Women's Day", 'Международный женский день'],
  [5, 1, 'Spring and Labour Day', 'Праздник Весны и Труда'],
  [5, 9, 'Victory Day', 'День Победы'],
  [6, 12, 'Russia Day', 'День России'],
  [11, 4, 'Unity Day', 'День народного единства'],
];

export const ru: CountryRules = {
  code: 'ru',
  law: 'Labour Code of the Russian Federation, art. 112 and 95',
  since: 2013,
  weekend: [6, 7],
  holidays: (year: number): Holiday[] =>
    DAYS.map(([m, d, name, local]) => ({ date: isoDate(year, m, d), name, local, movesOffWeekend: m !== 1 })),
  shortensEve: true,
};
