import { assign, type Assignment } from '../../sla/policy';
import type { IntakeDeps } from '../deps';
import type { Prepared } from '../prepared';
import type { Roles } from '../roles';
import type { ThreadHit } from '../thread/types';
import { verdictOf, type Verdict } from '../types';

/** What the filters' verdicts say about one message, read once for the outcome table. */
export interface Seen {
  fromEngineer: boolean;
  /** A customer our server says is disowned by their domain (never set for an engineer: their proofs are the desk's to check). */
  unproven?: string;
  /** The request the mail names and its sender is on... */
  named?: ThreadHit;
  /** ...unless the sender is unproven: then it joins none. */
  hit?: ThreadHit;
  automated?: Extract<Verdict, { automated: unknown }>['automated'];
  forged?: string;
  query?: { number: string | null };
  bounce?: Extract<Verdict, { bounceOf: unknown }>['bounceOf'];
  /** The spam rule that matched (only with intake.spam.trusted). */
  spam?: string;
  /** An engineer's proven forward of a customer's mail. */
  forward?: Extract<Verdict, { forwardOf: unknown }>['forwardOf'];
  mayAnswer: boolean;
  /** Plan and severity a new request would get (machines' mail gets no SLA). */
  assignment: Assignment | null;
}

/** What an outcome handler may use. */
export interface Env {
  deps: IntakeDeps;
  roles: Roles;
}

export function see(p: Prepared, deps: IntakeDeps): Seen {
  const fromEngineer = deps.notifier.isEngineer(p.mail.from?.address);
  const unproven = fromEngineer ? undefined : verdictOf(p.verdicts, 'unproven');
  const named = verdictOf(p.verdicts, 'followUpOf');
  const automated = verdictOf(p.verdicts, 'automated');
  const sla = deps.sla;
  return {
    fromEngineer,
    unproven,
    named,
    hit: unproven ? undefined : named,
    automated,
    forged: verdictOf(p.verdicts, 'forged'),
    query: verdictOf(p.verdicts, 'statusQuery'),
    bounce: verdictOf(p.verdicts, 'bounceOf'),
    spam: verdictOf(p.verdicts, 'spam'),
    forward: fromEngineer ? verdictOf(p.verdicts, 'forwardOf') : undefined,
    mayAnswer: !verdictOf(p.verdicts, 'noReply'),
    assignment: sla && !automated ? assign(sla, p.mail.from?.address, p.mail.subject, p.mail.text) : null,
  };
}
