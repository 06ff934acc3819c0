import path from 'node:path';
import type { Config } from '../config/load';
import { loadProduction } from '../sla/build';
import type { Production } from '../sla/production/year';
import { formatYearTable, yearTable } from '../sla/production/table';
import { configOrExplain } from './config-command';
import type { Io } from './io';

const EX_USAGE = 2;

/** The production calendar data file of a config calendar (--calendar), or of the only one the config has. */
export function productionFile(config: Config, calendar: string | undefined): string {
  const withData = Object.entries(config.calendars).filter(([, c]) => c.production);
  const chosen = calendar === undefined ? withData : withData.filter(([name]) => name === calendar);
  if (calendar !== undefined && chosen.length === 0) {
    throw new UsageError(config.calendars[calendar] ? `calendar ${calendar} has no production calendar (no production: file)` : `unknown calendar "${calendar}" (with a production calendar: ${withData.map(([n]) => n).join(', ') || 'none'})`);
  }
  const files = [...new Set(chosen.map(([, c]) => path.resolve(path.dirname(config.file), c.production!)))];
  if (files.length === 0) throw new UsageError(`${config.file}: no calendar has a production calendar (calendars.NAME.production)`);
  if (files.length > 1) throw new UsageError(`the calendars use ${files.length} production calendars: name one with --calendar (${withData.map(([n]) => n).join(', ')})`);
  return files[0];
}

export class UsageError extends Error {}

export function parseYear(text: string): number {
  if (!/^\d{4}$/.test(text) || Number(text) < 1900) throw new UsageError(`"${text}" is not a year from 1900 on (e.g. 2027)`);
  return Number(text);
}

/** Runs a calendar command: a usage error exits 2, a bad data file 1, each with its message. */
export function withProduction(io: Io, o: { config?: string; calendar?: string }, fn: (p: Production, file: string) => number): number {
  const config = configOrExplain(io, o.config, { secrets: false });
  if (!config) return 1;
  try {
    const file = productionFile(config, o.calendar);
    return fn(loadProduction(file), file);
  } catch (err) {
    io.err((err as Error).message);
    return err instanceof UsageError ? EX_USAGE : 1;
  }
}

/** `helpdesk calendar show YEAR`: the year's production calendar, as the official tables print it. */
export function calendarShow(io: Io, yearText: string, o: { config?: string; calendar?: string; json?: boolean }): number {
  return withProduction(io, o, (p) => {
    const t = yearTable(p, parseYear(yearText));
    if (o.json) io.out(JSON.stringify(t, null, 2));
    else for (const line of formatYearTable(t)) io.out(line);
    return 0;
  });
}
