import type { Logger } from 'pino';
import type { Prepared } from '../prepared';
import { verdictOf, type Outcome } from '../types';

/** What a report may use: the request's logger, the message, and the outbox's wake-up. */
interface Ctx {
  log: Logger;
  p: Prepared;
  notified: number;
  fromEngineer: boolean;
  wake: () => void;
}

type Reporters = { [K in Outcome['outcome']]: (o: Extract<Outcome, { outcome: K }>, c: Ctx) => void };

/** Once committed, each outcome is logged once, and the outbox woken when it queued mail. */
const withAll = (o: Outcome, c: Ctx) => {
  c.log.info({ event: `intake.message.${o.outcome}`, ...o }, `intake.message.${o.outcome}`);
  c.wake();
};

const REPORTS: Reporters = {
  command: withAll,
  rejected: withAll,
  answered: withAll,
  appended: (o, { log, p, notified, fromEngineer, wake }) => {
    log.info({ event: 'intake.message.appended', messageId: p.mail.messageId, via: verdictOf(p.verdicts, 'followUpOf')?.via, status: o.status, fromEngineer, notified }, 'intake.message.appended');
    if (notified > 0) wake();
  },
  bounced: (o, { log, p, notified, wake }) => {
    const messageId = p.mail.messageId;
    log.warn({ event: 'intake.message.bounced', messageId, recipients: o.recipients, suppressed: o.suppressed, notified }, 'intake.message.bounced');
    // Mail to someone inside the desk bounced: never answered with more mail to them (the rest of their line is told once a period).
    if (o.internal) log.warn({ event: 'intake.bounce.internal', messageId, addresses: o.internal, notified }, 'intake.bounce.internal');
    if (notified > 0) wake();
  },
  ignored: (o, { log, p, wake }) => {
    // loop, forged, automated (an engineer's machine); a duplicate is reported before it is acted on, but for an engineer's
    // forward of a customer's mail we already have (its engineer is confirmed, so the outbox is woken)
    const event = `intake.message.${o.reason}`;
    log.warn({ event, messageId: p.mail.messageId, from: p.mail.from?.address, reason: o.reason === 'forged' ? verdictOf(p.verdicts, 'forged') : verdictOf(p.verdicts, 'automated')?.reason }, event);
    if (verdictOf(p.verdicts, 'forwardOf')) wake();
  },
  created: (o, { log, p, notified, wake }) => {
    log.info(
      { event: 'intake.message.stored', messageId: p.mail.messageId, attachments: p.files.length, replyQueued: o.replyQueued, notified, suppressed: o.replySuppressed, linkedTo: o.linkedTo, forwardedBy: o.forwardedBy },
      'intake.message.stored',
    );
    if (o.replyQueued || notified > 0) wake();
  },
  spam: (o, { log, p }) => {
    log.warn({ event: 'intake.message.spam', messageId: p.mail.messageId, from: p.mail.from?.address, spamId: o.spamId, verdict: o.verdict }, 'intake.message.spam');
  },
  quarantined: () => undefined, // logged by the caller that quarantines (intake never decides it)
};

export function report(o: Outcome, c: Ctx): void {
  (REPORTS[o.outcome] as (o: Outcome, c: Ctx) => void)(o, c);
}
