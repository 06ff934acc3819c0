import type { Pause } from '../sla/calendar';
import { openDb } from '../db/open';
import { isoInZone, SlaPlans, UnknownTarget } from '../sla/plans';
import { slaReport } from '../sla/report';
import { configOrExplain } from './config-command';
import type { Io } from './io';

/** sysexits-like: a usage error (unknown plan or severity, bad argument). */
const EX_USAGE = 2;

/** `helpdesk sla due`: the deadlines of a request, from the config's plans and calendars. */
export function slaDue(io: Io, o: { config?: string; plan: string; severity: string; opened: string; paused: string[]; json?: boolean; timeZone?: string }): number {
  const config = configOrExplain(io, o.config, { secrets: false });
  if (!config) return 1;
  const opened = new Date(o.opened);
  if (Number.isNaN(opened.getTime())) {
    io.err(`--opened "${o.opened}" is not an ISO 8601 time (e.g. 2026-11-17T10:00:00+03:00)`);
    return EX_USAGE;
  }
  const pauses: Pause[] = [];
  for (const p of o.paused) {
    const [a, b] = p.split('/').map((x) => new Date(x));
    if (!a || !b || Number.isNaN(a.getTime()) || Number.isNaN(b.getTime()) || b < a) {
      io.err(`--paused "${p}" is not an ISO 8601 interval START/END`);
      return EX_USAGE;
    }
    pauses.push([a.getTime(), b.getTime()]);
  }
  let due;
  try {
    if (o.timeZone) new Intl.DateTimeFormat('en', { timeZone: o.timeZone });
    due = new SlaPlans(config).due(o.plan, o.severity, opened, pauses, o.timeZone);
  } catch (err) {
    if (err instanceof UnknownTarget || err instanceof RangeError) {
      io.err(err.message);
      return EX_USAGE;
    }
    throw err;
  }
  const { targets: t } = due;
  if (t.substitutedFor) io.err(`plan ${t.plan} has no severity ${t.substitutedFor}: its highest, ${t.severity}, applies`);
  const out = {
    reactionDue: isoInZone(due.reactionDue, t.reaction.calendar.timeZone),
    resolutionDue: due.resolutionDue && t.resolution ? isoInZone(due.resolutionDue, t.resolution.calendar.timeZone) : null,
    provisional: due.provisional.length > 0,
    provisionalYears: due.provisional,
  };
  if (o.json) {
    io.out(JSON.stringify(out));
    return 0;
  }
  io.out(`plan ${t.plan}, severity ${t.severity}: reaction due ${out.reactionDue} (${t.reaction.calendar.name}), resolution due ${out.resolutionDue ?? 'no target'}${t.resolution ? ` (${t.resolution.calendar.name})` : ''}`);
  if (out.provisional) io.out(provisionalNote(due.provisional));
  return 0;
}

/** What a person is told about deadlines counted through years no decree vouches for. */
export function provisionalNote(years: readonly number[]): string {
  return `provisional: ${years.join(', ')} ha${years.length === 1 ? 's' : 've'} no decree in the production calendar data; counted by the rules of the law alone (holidays and their moves, short eves), without the Government's transfers. Import the decree with \`helpdesk calendar import\`.`;
}

/** `helpdesk sla report`: met and breached targets per plan × severity. */
export function slaReportCommand(io: Io, o: { config?: string; from?: string; to?: string; json?: boolean }, now: Date): number {
  const config = configOrExplain(io, o.config, { secrets: false });
  if (!config) return 1;
  const day = (s: string | undefined, name: string) => {
    if (s === undefined) return undefined;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new UnknownTarget(`${name} "${s}" is not a date (e.g. 2026-11-01)`);
    return d;
  };
  let rows;
  try {
    const db = openDb(config.data_dir, { readonly: true });
    try {
      rows = slaReport(db, new SlaPlans(config), now, day(o.from, '--from'), day(o.to, '--to'));
    } finally {
      db.$client.close();
    }
  } catch (err) {
    io.err((err as Error).message);
    return err instanceof UnknownTarget ? EX_USAGE : 1;
  }
  if (o.json) {
    io.out(JSON.stringify(rows));
    return 0;
  }
  io.out('plan        severity  requests  reaction met/breached  resolution met/breached  counted min median/p90');
  for (const r of rows) {
    io.out(
      `${r.plan.padEnd(11)} ${r.severity.padEnd(9)} ${String(r.requests).padStart(8)}  ${`${r.reaction.met}/${r.reaction.breached}`.padStart(21)}  ${(r.resolution.noTarget === r.requests ? '-' : `${r.resolution.met}/${r.resolution.breached}`).padStart(23)}  ${`${r.countedMinutes.median ?? '-'}/${r.countedMinutes.p90 ?? '-'}`.padStart(24)}`,
    );
  }
  return 0;
}
