/** One date of a computed year, in words: whether it is working and short, and why. */
import { WEEKDAY_NAMES, weekday } from '../dates';
import type { Production } from '../year';

export interface DayState {
  working: boolean;
  short: boolean;
}

const yearOf = (date: string) => Number(date.slice(0, 4));

export const dayName = (date: string): string => WEEKDAY_NAMES[weekday(date) - 1];
/** "2025-05-02 Fri" */
export const day = (date: string): string => `${date} ${dayName(date)}`;

export function stateOf(p: Production, date: string): DayState {
  const working = p.isWorking(date);
  return { working, short: working && p.year(yearOf(date)).shortened.has(date) };
}

/** Why a non-working date is off. */
export function offText(p: Production, date: string): string {
  const o = p.year(yearOf(date)).off.get(date);
  if (!o) return 'a weekend day';
  switch (o.reason) {
    case 'holiday':
      return `holiday: ${o.holiday}`;
    case 'moved':
      return `the rules' day off for the holiday of ${o.from}`;
    case 'decree':
      return o.from ? `moved from ${o.from}` : 'made free by the decree';
    case 'listed':
      return 'listed as a day off';
  }
}

/** Why a working date is working. */
export function workingText(p: Production, date: string): string {
  if (!p.isWeekend(date)) return 'a working weekday';
  const to = p.year(yearOf(date)).workdays.get(date)?.to;
  return `a working weekend day${to ? ` (its day off moved to ${to})` : ''}`;
}

/** Why a short date is short. */
export function shortText(p: Production, date: string): string {
  const s = p.year(yearOf(date)).shortened.get(date);
  if (!s) return 'not short';
  return s.reason === 'rule' ? (s.for ? `works in the place of ${s.for}, the eve of the holiday of ${s.before}` : `the day before the holiday of ${s.before}`) : s.reason === 'decree' ? 'by the decree' : 'listed as short';
}
