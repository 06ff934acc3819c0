import cron from 'node-cron';
import { z } from 'zod';
import { address, timeZone } from './fields';

/** What the SLA runs on: working-hours calendars, plans with a target per severity, and the sweep's settings. */

const duration = z.union([z.number().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?\s*(m|min|h|d)\s*$/i, 'a duration such as 30m, 4h or 2d')]);
const hoursOfDay = z.string().regex(/^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*)*$/, 'hours such as 09:00-18:00').nullable();

const calendarSchema = z.strictObject({
  time_zone: timeZone,
  /** "24x7", or per weekday. */
  hours: z.union([
    z.literal('24x7'),
    z.strictObject({ mon: hoursOfDay.optional(), tue: hoursOfDay.optional(), wed: hoursOfDay.optional(), thu: hoursOfDay.optional(), fri: hoursOfDay.optional(), sat: hoursOfDay.optional(), sun: hoursOfDay.optional() }),
  ]),
  /** A production calendar data file (holidays, transfers, shortened days), relative to the config file. */
  production: z.string().min(1).optional(),
});

const severityTargets = z.strictObject({
  reaction: duration,
  /** null: no resolution target (Basic, medium). */
  resolution: duration.nullable(),
  /** This severity runs on another calendar than the plan's (Digit: p1 is 24x7). */
  calendar: z.string().min(1).optional(),
});

const planSchema = z.strictObject({
  calendar: z.string().min(1),
  severities: z.record(z.string().regex(/^[a-z0-9_-]+$/), severityTargets).refine((r) => Object.keys(r).length > 0, 'at least one severity'),
  /** Open requests at once per customer; null: no limit. */
  max_open: z.number().int().positive().nullable().default(null),
});

/** The sla section: the sweep, reminders, breaches, waiting for the customer and closing. */
export const slaSchema = z
  .strictObject({
    /** node-cron expression of the sweep. */
    sweep_cron: z.string().refine((c) => cron.validate(c), 'not a cron expression (e.g. "* * * * *")').default('* * * * *'),
    /** Fractions of a target at which the responsible engineer is reminded. */
    remind_at: z.array(z.number().gt(0).lt(1)).default([0.75, 0.9]),
    /** After a breach, the notice is repeated this often (minutes, moved into working hours). */
    breach_repeat_minutes: z.number().positive().default(60),
    /** Per support line, who hears of a breach besides the engineer. */
    escalation: z.record(z.string(), address).default({}),
    /** Working days after the request started waiting for the customer when they are reminded. */
    awaiting_remind_days: z.array(z.number().positive()).default([2, 5]),
    /** Working days of waiting after which the request is suspended or closed (0: never). */
    awaiting_expire_days: z.number().nonnegative().default(10),
    awaiting_expire_action: z.enum(['suspend', 'close']).default('suspend'),
    /** Working days after `resolved` without an objection when the request is closed (0: never). */
    autoclose_days: z.number().nonnegative().default(3),
  })
  .prefault({});

/** The calendars and plans sections, by name. */
export const calendarsSchema = z.record(z.string().regex(/^[a-z0-9_-]+$/), calendarSchema).default({});
export const plansSchema = z.record(z.string().regex(/^[a-z0-9_-]+$/), planSchema).default({});
