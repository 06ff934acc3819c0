/**
 * `helpdesk calendar import FILE`: a year's decree from a published calendar
 * (XML production calendar, iCalendar feed of days off, or the JSON of
 * calendar show), proven against the file date by date, written into the data
 * file of the production calendar as decrees.YYYY; prints what it changes.
 */
import fs from 'node:fs';
import { loadProduction } from '../sla/build';
import { planImport, type YearImport } from '../sla/production/import/plan';
import { ImportError, type PublishedFormat } from '../sla/production/import/published';
import { readPublished } from '../sla/production/import/read';
import { checkReadsBack, editDataFile, replaceFile } from '../sla/production/import/write';
import { parseYear, UsageError, withProduction } from './calendar-command';
import type { Io } from './io';

const FORMAT_NAMES: Record<PublishedFormat, string> = { xml: 'XML production calendar', ical: 'iCalendar', json: 'calendar show JSON' };

export function calendarImport(io: Io, file: string, o: { config?: string; calendar?: string; dryRun?: boolean; year?: string; source?: string }): number {
  return withProduction(io, o, (p, dataFile) => {
    const years = o.year !== undefined ? [parseYear(o.year)] : undefined;
    if (o.source !== undefined && o.source.trim() === '') throw new UsageError('--source: say how the decree is cited');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ImportError(`cannot read ${file}: ${(err as Error).message}`);
    }
    const published = readPublished(text, file, years);
    const plan = planImport(p.data, dataFile, published, { years, source: o.source?.trim() });
    for (const y of plan.years) for (const line of report(y, p.rules?.code ?? '?', dataFile, FORMAT_NAMES[published.format])) io.out(line);

    const names = plan.years.map((y) => `decrees.${y.year}`).join(', ');
    if (plan.years.every((y) => y.unchanged)) {
      io.out(`nothing to write: ${dataFile} already has ${names}`);
      return 0;
    }
    const edit = editDataFile(fs.readFileSync(dataFile, 'utf8'), dataFile, plan.years);
    checkReadsBack(edit.text, plan.data, dataFile);
    if (o.dryRun) {
      io.out('dry run: nothing written');
      return 0;
    }
    replaceFile(dataFile, edit.text, (temp) => checkReadsBack(loadProduction(temp).data, plan.data, dataFile));
    io.out(`wrote ${names} to ${dataFile}${edit.unlisted.length ? ` (removed ${edit.unlisted.map((y) => `years.${y}`).join(', ')})` : ''}`);
    return 0;
  });
}

function report(y: YearImport, rules: string, dataFile: string, format: string): string[] {
  const d = y.decree;
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const out = [`${y.year} (${format}): decree of ${count(d.transfers.length, 'transfer')}, ${count(d.days_off.length, 'day off', 'days off')}, ${count(d.workdays.length, 'working weekend day')}, ${count(d.shortened.length, 'short day')}${d.source ? `; source: ${d.source}` : ''}`];
  out.push(`  against the rules (${rules}) alone:`);
  out.push(...(y.againstRules.length ? y.againstRules.map((l) => `    ${l}`) : ['    no change: the decree vouches for the year as the rules compute it']));
  if (y.before === 'nothing') out.push(`  against ${dataFile}: it had nothing for ${y.year} (provisional: the rules alone)`);
  else if (y.unchanged) out.push(`  against ${dataFile}: unchanged`);
  else {
    const had = y.before === 'listed' ? `years.${y.year} (listed whole; removed: it would win over the decree)` : `decrees.${y.year}`;
    out.push(`  against ${had} in ${dataFile}:`);
    out.push(...(y.againstData.length ? y.againstData.map((l) => `    ${l}`) : [`    the same days${y.before === 'decree' ? ' (the decree is written differently)' : ''}`]));
  }
  if (y.elsewhere.length) out.push('  also changes, in the years around it:', ...y.elsewhere.map((l) => `    ${l}`));
  for (const n of y.notes) out.push(`  note: ${n}`);
  return out;
}
