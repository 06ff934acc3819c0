import type { Automated } from '../mail/automated';
import { keepSpam } from '../requests/spam';
import type { Tx } from '../requests/tx';
import { keepInbound, type Prepared } from './prepared';
import type { ThreadHit } from './thread/types';
import type { Outcome } from './types';

/**
 * A message kept, never lost, but acted on in no way: no request, no answer,
 * no notification. `why` is the event its history gets.
 */
export function keptAlone(tx: Tx, p: Prepared, now: Date, why: { event: string; reason: 'loop' | 'forged'; detail: string }): Extract<Outcome, { outcome: 'ignored' }> {
  keepInbound(tx, p, { ticketId: null, at: now, event: { type: why.event, actor: 'system', data: { reason: why.detail, from: p.mail.from?.address ?? null } } });
  return { outcome: 'ignored', reason: why.reason, ticketNumber: null, messageId: p.mail.messageId };
}

/**
 * An engineer's machine wrote (an out-of-office reply, a list, a bounce sent
 * as them): kept on the request as an event, and nothing more. It commands
 * nothing, is relayed to no one, moves no status and meets no SLA target; and
 * nothing answers it, so an auto-responder cannot loop with us.
 */
export function engineerMachine(tx: Tx, p: Prepared, hit: ThreadHit | undefined, automated: Automated, now: Date): Extract<Outcome, { outcome: 'ignored' }> {
  const ticketId = hit?.ticketId ?? null;
  keepInbound(tx, p, { ticketId, at: now, event: { type: 'engineer.automated', actor: p.mail.from?.address ?? 'unknown', data: { kind: automated.kind, reason: automated.reason } } });
  return { outcome: 'ignored', reason: 'automated', ticketNumber: hit?.number ?? null, messageId: p.mail.messageId };
}

/**
 * Spam, as the trusted filter in front of the desk marked it: kept apart
 * (raw, with the rule that matched) for `helpdesk spam`, in no request and
 * never answered, so a forged sender gets no backscatter from us.
 */
export function keptAsSpam(tx: Tx, p: Prepared, verdict: string, now: Date): Extract<Outcome, { outcome: 'spam' }> {
  const { mail, input } = p;
  const spamId = keepSpam(tx, { rawSha256: p.raw.sha256, mailbox: input.mailbox.name, messageId: mail.messageId, subject: mail.subject, fromAddress: mail.from?.address ?? null, verdict, receivedAt: input.receivedAt, at: now });
  return { outcome: 'spam', ticketNumber: null, messageId: mail.messageId, spamId, verdict };
}
