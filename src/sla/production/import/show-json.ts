/**
 * What `helpdesk calendar show YEAR --json` prints (src/sla/production/table.ts),
 * read back: so a year shown from one data file can be imported into another.
 * A provisional year (the rules alone) is refused: importing it would vouch
 * for a guess.
 */
import { z } from 'zod';
import { isIsoDate } from '../dates';
import { checkConsistent, emptyYear, ImportError, type PublishedYear } from './published';

const date = z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)');
const shown = z.object({
  year: z.number().int().min(1000).max(9999),
  basis: z.enum(['decree', 'listed', 'rules', 'none']),
  provisional: z.boolean(),
  source: z.string().nullable().optional(),
  nonWorking: z.array(z.object({ date, reason: z.string(), from: date.optional() })),
  workingWeekendDays: z.array(z.object({ date })),
  shortDays: z.array(z.object({ date })),
});

/** The JSON of calendar show is an object with year and nonWorking. */
export const isShowJson = (v: unknown): boolean => !!v && typeof v === 'object' && !Array.isArray(v) && 'year' in v && 'nonWorking' in v;

export function readShowJson(v: unknown, where: string): PublishedYear[] {
  const r = shown.safeParse(v);
  if (!r.success) throw new ImportError(r.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n'));
  const t = r.data;
  if (t.provisional) throw new ImportError(`${where}: ${t.year} is provisional there (basis: ${t.basis}: no decree, computed by the rules alone): importing it would vouch for a guess`);
  const y = emptyYear(t.year);
  y.asserts = { workdays: true, shortened: true };
  if (t.source) y.source = t.source;
  const inYear = (d: string, what: string) => {
    if (!d.startsWith(`${t.year}-`)) throw new ImportError(`${where}: ${what}: ${d} is not in ${t.year}`);
    return d;
  };
  // Only the decree's moves are the file's word on where a day off came from; the law's moves follow from the rules.
  for (const o of t.nonWorking) y.off.set(inYear(o.date, 'nonWorking'), o.reason === 'decree' && o.from ? { from: o.from } : {});
  for (const w of t.workingWeekendDays) y.workdays.add(inYear(w.date, 'workingWeekendDays'));
  for (const s of t.shortDays) y.shortened.add(inYear(s.date, 'shortDays'));
  checkConsistent(y, where);
  return [y];
}
