import path from 'node:path';
import type { Config } from '../config/load';
import { addBusinessTime, parseDuration, provisionalYears, type Calendar, type Pause } from './calendar';
import { buildCalendar, loadProduction } from './build';
import type { Production } from './production/year';
import { localParts } from './zone';

export interface Targets {
  plan: string;
  severity: string;
  /** Set when the plan lacks the asked severity and its highest one is used instead. */
  substitutedFor?: string;
  reaction: { minutes: number; calendar: Calendar };
  resolution: { minutes: number; calendar: Calendar } | null;
}

export class UnknownTarget extends Error {}

/** Plans × severities with their calendars, built once from the config. */
export class SlaPlans {
  readonly calendars = new Map<string, Calendar>();

  constructor(private readonly config: Pick<Config, 'calendars' | 'plans' | 'file' | 'sla'>) {
    const files = new Map<string, Production>();
    for (const [name, c] of Object.entries(config.calendars)) {
      const file = c.production ? path.resolve(path.dirname(config.file), c.production) : undefined;
      if (file && !files.has(file)) files.set(file, loadProduction(file));
      this.calendars.set(name, buildCalendar({ name, time_zone: c.time_zone, hours: c.hours, production: file ? files.get(file) : undefined }));
    }
  }

  get sweep(): Config['sla'] {
    return this.config.sla;
  }

  maxOpen(plan: string): number | null {
    return this.config.plans[plan]?.max_open ?? null;
  }

  severityNames(plan: string): string[] {
    return Object.keys(this.config.plans[plan]?.severities ?? {});
  }

  /**
   * Working-day calendars whose current year (and from December on, the next
   * one) nobody vouched for: computed by the rules alone, or without holidays
   * when the data file has no rules.
   */
  provisional(now: Date): { calendar: string; years: number[]; computedBy: 'rules' | 'weekdays only'; file: string }[] {
    return [...this.calendars.values()].flatMap((c) => {
      if (c.always || !c.production) return [];
      const { year, month } = localParts(now.getTime(), c.timeZone);
      const years = [year, ...(month === 12 ? [year + 1] : [])].filter((y) => c.production!.year(y).provisional);
      if (years.length === 0) return [];
      return [{ calendar: c.name, years, computedBy: c.production.rules ? ('rules' as const) : ('weekdays only' as const), file: c.production.where }];
    });
  }

  private readonly zoned = new Map<string, Calendar>();

  /** A working-day calendar counted in the customer's zone (24x7 calendars need no zone). */
  private inZone(cal: Calendar, timeZone: string | null | undefined): Calendar {
    if (!timeZone || cal.always || timeZone === cal.timeZone) return cal;
    const key = `${cal.name}@${timeZone}`;
    let z = this.zoned.get(key);
    if (!z) {
      z = { ...cal, name: key, timeZone };
      this.zoned.set(key, z);
    }
    return z;
  }

  /** The targets of a plan and severity. A severity the plan lacks falls back to its highest one (the first listed). */
  targets(plan: string, severity: string, timeZone?: string | null): Targets {
    const p = this.config.plans[plan];
    if (!p) throw new UnknownTarget(`unknown plan "${plan}" (known: ${Object.keys(this.config.plans).join(', ')})`);
    const known = Object.keys(p.severities);
    let sev = severity;
    let substitutedFor: string | undefined;
    if (!p.severities[sev]) {
      const anywhere = Object.values(this.config.plans).some((x) => x.severities[severity]);
      if (!anywhere) throw new UnknownTarget(`unknown severity "${severity}" (plan ${plan} has: ${known.join(', ')})`);
      sev = known[0];
      substitutedFor = severity;
    }
    const t = p.severities[sev];
    const calendar = this.inZone(this.calendars.get(t.calendar ?? p.calendar)!, timeZone);
    return {
      plan,
      severity: sev,
      ...(substitutedFor ? { substitutedFor } : {}),
      reaction: { minutes: parseDuration(t.reaction, calendar), calendar },
      resolution: t.resolution === null ? null : { minutes: parseDuration(t.resolution, calendar), calendar },
    };
  }

  /** Reaction and resolution deadlines of a request opened at `opened`, not counting the pauses. */
  due(plan: string, severity: string, opened: Date, pauses: readonly Pause[] = [], timeZone?: string | null) {
    const t = this.targets(plan, severity, timeZone);
    const reactionDue = addBusinessTime(opened, t.reaction.minutes, t.reaction.calendar, pauses);
    const resolutionDue = t.resolution ? addBusinessTime(opened, t.resolution.minutes, t.resolution.calendar, pauses) : null;
    const provisional = new Set([
      ...provisionalYears(t.reaction.calendar, opened, reactionDue),
      ...(t.resolution && resolutionDue ? provisionalYears(t.resolution.calendar, opened, resolutionDue) : []),
    ]);
    /** Years the deadlines were counted through that no decree vouches for (the rules alone counted them). */
    return { targets: t, reactionDue, resolutionDue, provisional: [...provisional].sort((a, b) => a - b) };
  }
}

/** "2026-11-23T13:00:00+03:00": an instant as the calendar's zone reads it. */
export function isoInZone(at: Date, timeZone: string): string {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' }).formatToParts(at);
  const v = (t: string) => p.find((x) => x.type === t)!.value;
  const off = v('timeZoneName').replace('GMT', '') || '+00:00';
  return `${v('year')}-${v('month')}-${v('day')}T${v('hour')}:${v('minute')}:${v('second')}${off}`;
}
