import type { SlaPlans } from './plans';

/*
 * SLA policy: which plan and severity a request gets. It writes nothing; the
 * ledger (intervals, deadlines, the sweep's next time) is the request
 * service's: src/requests/ledger.ts.
 */
const RANKS = ['critical', 'high', 'medium', 'low'];

export interface Assignment {
  plan: string;
  severity: string;
  organisation: string | null;
  timeZone: string | null;
  notes: string[];
}

export interface SlaPolicy {
  plans: SlaPlans;
  organisations: readonly { name: string; domains: readonly string[]; contacts: readonly string[]; plan: string; time_zone?: string }[];
  defaultPlan: string | null;
  unknownSenders: 'register' | 'refuse';
  defaultSeverity: string;
  keywords: { critical: readonly string[]; high: readonly string[] };
}

/** The organisation of a sender: by contact address, then by e-mail domain. */
export function organisationOf(policy: Pick<SlaPolicy, 'organisations'>, from: string | undefined) {
  const domain = from?.split('@')[1]?.toLowerCase();
  return policy.organisations.find((o) => !!from && o.contacts.includes(from)) ?? policy.organisations.find((o) => !!domain && o.domains.includes(domain)) ?? null;
}

/** Plan and severity of a new request: the sender's organisation (contact, then domain) or the default plan; keywords raise the severity. */
export function assign(policy: SlaPolicy, from: string | undefined, subject: string, text: string): Assignment | null {
  const org = organisationOf(policy, from);
  const plan = org?.plan ?? policy.defaultPlan;
  if (!plan) return null;
  const haystack = `${subject}\n${text}`.toLowerCase();
  const hit = (['critical', 'high'] as const).find((r) => policy.keywords[r].some((k) => haystack.includes(k.toLowerCase())));
  const wanted = hit && RANKS.indexOf(hit) < RANKS.indexOf(policy.defaultSeverity) ? hit : policy.defaultSeverity;
  const notes = hit && wanted === hit ? [`severity raised to ${hit} by a keyword`] : [];
  const severity = severityIn(policy.plans, plan, wanted, notes);
  return { plan, severity, organisation: org?.name ?? null, timeZone: org?.time_zone ?? null, notes };
}

/** A severity of the plan for a wanted rank: the same name, else the plan's severity of that rank, capped at its lowest (Basic has only medium). */
export function severityIn(plans: SlaPlans, plan: string, wanted: string, notes: string[] = []): string {
  const names = plans.severityNames(plan);
  if (names.includes(wanted)) return wanted;
  const rank = Math.max(0, RANKS.indexOf(wanted));
  const chosen = names[Math.min(rank, names.length - 1)];
  notes.push(`plan ${plan} has no severity ${wanted}: handled as ${chosen}`);
  return chosen;
}
