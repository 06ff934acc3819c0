/**
 * A production calendar data file (config/calendars/*.yaml): which country's
 * rules it follows, and per year what they cannot derive — the Government's
 * decree (transfers of days off, bridge days, extra short days). A year may
 * still be listed whole (holidays, workdays, shortened); such a year wins.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { isIsoDate } from './dates';

const date = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)'));
const dates = z.array(date).default([]);

const decreeSchema = z.strictObject({
  /** The decree, as people cite it. */
  source: z.string().min(1).optional(),
  /** A day off moved: from a weekend day (a holiday's, or a Saturday made working) to a weekday. */
  transfers: z.array(z.strictObject({ from: date, to: date })).default([]),
  /** Weekdays made free without a weekend day to come from. */
  days_off: dates,
  /** Weekend days made working without a day off going elsewhere. */
  workdays: dates,
  /** Working days made shorter beyond the rules (e.g. a working Saturday before a holiday weekend). */
  shortened: dates,
});

const wholeYearSchema = z.strictObject({ holidays: dates, workdays: dates, shortened: dates });

/** Per year (a key YYYY); a bare `2027:` is a year with nothing to add. */
const byYear = <T extends z.ZodType>(schema: T) =>
  z
    .record(z.string(), z.preprocess((v) => v ?? {}, schema))
    .superRefine((r, ctx) => {
      for (const k of Object.keys(r)) if (!/^\d{4}$/.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is not a year (YYYY)` });
    })
    .default({});

export const productionSchema = z.strictObject({
  name: z.string().min(1),
  /** The country whose rules compute every year (src/sla/production/<code>.ts); absent: only what is listed. */
  rules: z.string().min(1).optional(),
  /** How much shorter a short day is (its last working range loses it); at most 8 h. */
  shortened_by_minutes: z.number().int().min(0).max(480).default(60),
  decrees: byYear(decreeSchema),
  years: byYear(wholeYearSchema),
});

export type ProductionData = z.infer<typeof productionSchema>;
export type Decree = ProductionData['decrees'][string];
export type WholeYear = ProductionData['years'][string];

export class ProductionDataError extends Error {}

/** Reads and checks a data file; a problem names the file, the key and what is wrong. */
export function loadProductionData(file: string): ProductionData {
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProductionDataError(`${file}: ${(err as Error).message}`);
  }
  return parseProductionData(raw, file);
}

export function parseProductionData(raw: unknown, where: string): ProductionData {
  const r = productionSchema.safeParse(raw);
  if (!r.success) {
    throw new ProductionDataError(r.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n'));
  }
  return r.data;
}

export const emptyDecree = (): Decree => ({ transfers: [], days_off: [], workdays: [], shortened: [] });
