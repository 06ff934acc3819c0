import type { Tx } from '../../requests/tx';
import { answerStatus } from '../answer-status';
import { deliveryFailure } from '../bounce';
import { engineerMachine, keptAlone, keptAsSpam } from '../kept';
import type { Prepared } from '../prepared';
import { engineerReply } from './command';
import { followUp, newRequest, refused, type Routed } from './customer';
import { forwardedRequest } from './forward';
import type { Env, Seen } from './seen';

/**
 * One row per kind of message, first match wins: when it applies (from the
 * verdicts) and the one handler that writes its outcome. A handler that
 * returns null passes the message on to the next row.
 */
interface Row {
  name: string;
  when: (s: Seen) => boolean;
  act: (tx: Tx, p: Prepared, s: Seen, now: Date, env: Env) => Routed | null;
}

const alone = (outcome: Routed['outcome']): Routed => ({ outcome, notified: 0 });

export const OUTCOMES: readonly Row[] = [
  { name: 'loop', when: (s) => s.automated?.kind === 'loop' && !s.hit, act: (tx, p, s, now) => alone(keptAlone(tx, p, now, { event: 'loop.detected', reason: 'loop', detail: s.automated!.reason })) },
  { name: 'forged', when: (s) => !!s.forged, act: (tx, p, s, now) => alone(keptAlone(tx, p, now, { event: 'sender.forged', reason: 'forged', detail: s.forged! })) },
  {
    // Only a bounce that returns mail we sent joins that mail's request: what else it names (References, a number) anyone can write.
    name: 'bounce',
    when: (s) => !!s.bounce,
    act: (tx, p, s, now, { deps, roles }) => {
      const r = deliveryFailure(tx, p, s.bounce!, now, { notifier: deps.notifier, suppressHours: deps.bounceSuppressHours, inside: (a) => roles.isOwn(a) || roles.isEngineer(a) });
      return { outcome: r.internal.length > 0 ? { ...r.outcome, internal: r.internal } : r.outcome, notified: r.notified };
    },
  },
  // After the bounce row: a delivery failure is kept as one whatever a filter thought of it (only one that proves it returns our mail changes anything).
  { name: 'spam', when: (s) => !!s.spam, act: (tx, p, s, now) => alone(keptAsSpam(tx, p, s.spam!, now)) },
  { name: 'engineer machine', when: (s) => s.fromEngineer && !!s.automated, act: (tx, p, s, now) => alone(engineerMachine(tx, p, s.hit, s.automated!, now)) },
  // Before the command row: a proven forward opens a request for its original sender even when its subject names a request.
  { name: 'forward', when: (s) => !!s.forward, act: forwardedRequest },
  {
    name: 'status query',
    when: (s) => !!s.query && !s.automated && !s.fromEngineer,
    act: (tx, p, s, now, { deps, roles }) =>
      alone(answerStatus(tx, p, s.query!.number ?? s.hit?.number ?? null, now, { templates: deps.templates, engineers: deps.notifier.engineers, roles, mayAnswer: s.mayAnswer, believed: !s.unproven })),
  },
  { name: 'command', when: (s) => !!s.hit && s.fromEngineer, act: engineerReply },
  { name: 'follow-up', when: (s) => !!s.hit, act: followUp },
  { name: 'refused sender', when: () => true, act: refused },
  { name: 'new request', when: () => true, act: newRequest },
];

/** The outcome of the first row that applies and acts. */
export function route(tx: Tx, p: Prepared, s: Seen, now: Date, env: Env): Routed {
  for (const row of OUTCOMES) {
    if (!row.when(s)) continue;
    const r = row.act(tx, p, s, now, env);
    if (r) return r;
  }
  throw new Error('no outcome for the message'); // unreachable: the last row always acts
}
