import type { Tx } from '../../requests/tx';
import { statusOf } from '../../requests/read';
import { organisationOf } from '../../sla/policy';
import { onCustomerReply } from '../../ticket/status';
import { appendFollowUp } from '../append';
import { createRequest, type Created } from '../create';
import { overLimit, refusedSender } from '../limit';
import type { Prepared } from '../prepared';
import type { ThreadHit } from '../thread/types';
import { verdictOf, type Outcome } from '../types';
import type { Env, Seen } from './seen';

export type Routed = { outcome: Outcome; notified: number };

/** A customer's reply on their request: added (reopening it, or ending a wait), or a new request linked to it when it is closed or resolved long ago. */
export function followUp(tx: Tx, p: Prepared, s: Seen, now: Date, { deps, roles }: Env): Routed {
  const hit = s.hit!;
  const t = statusOf(tx, hit.ticketId);
  const effect = onCustomerReply(t.status, t.resolvedAt ? new Date(t.resolvedAt) : null, now, deps.reopenWindowMs);
  if (effect.action === 'append') {
    const change = effect.status && !s.automated ? { status: effect.status, reason: effect.reason! } : undefined;
    const r = appendFollowUp(tx, p, { hit, now, from: t.status, change, sla: deps.sla });
    const n = s.automated ? 0 : deps.notifier.queue(tx, { kind: 'followup', ticketId: hit.ticketId, mailbox: p.input.mailbox, mail: p.mail, at: now, status: r.status, files: p.files });
    return { outcome: { outcome: 'appended', ticketNumber: hit.number, messageId: p.mail.messageId, ...r }, notified: n };
  }
  const c = createRequest(tx, p, deps, { now, roles, assignment: s.assignment, linked: { ticketId: hit.ticketId, number: hit.number, reason: effect.reason ?? 'continued', as: 'continuation' } });
  return { outcome: created(c, p.mail.messageId, hit.number), notified: c.notified };
}

/** A sender of no organisation when unknown senders are refused: an explanation instead of a request. */
export function refused(tx: Tx, p: Prepared, s: Seen, now: Date, { deps }: Env): Routed | null {
  const sla = deps.sla;
  if (sla?.unknownSenders !== 'refuse' || s.automated || organisationOf(sla, p.mail.from?.address)) return null;
  return { outcome: refusedSender(tx, p, deps.templates, now, s.mayAnswer), notified: 0 };
}

/** A new request, unless the plan's limit of open requests is reached. */
export function newRequest(tx: Tx, p: Prepared, s: Seen, now: Date, { deps, roles }: Env): Routed {
  const limited = s.assignment && deps.sla ? overLimit(tx, p, s.assignment, deps.sla, deps.templates, now, s.mayAnswer) : null;
  if (limited) return { outcome: limited, notified: 0 };
  // A sender who names a request they are not on gets one of their own, linked for the engineers, and learns nothing of the other.
  const stranger: ThreadHit | undefined = verdictOf(p.verdicts, 'strangerTo') ?? s.named;
  const linked = stranger ? { ticketId: stranger.ticketId, number: stranger.number, reason: `${p.mail.from?.address ?? 'the sender'} is not on ${stranger.number} (${stranger.via})`, as: 'stranger' as const } : undefined;
  const c = createRequest(tx, p, deps, { now, roles, assignment: s.assignment, linked });
  return { outcome: created(c, p.mail.messageId, stranger?.number), notified: c.notified };
}

function created(c: Created, messageId: string | null, linkedTo?: string): Outcome {
  return {
    outcome: 'created',
    ticketNumber: c.number,
    messageId,
    replyQueued: c.queued,
    ...(c.suppressed ? { replySuppressed: c.suppressed } : {}),
    ...(linkedTo ? { linkedTo } : {}),
  };
}
