import { parseBounce, type FailedRecipient } from './dsn';
import { header, type ParsedEmail } from './email';

export type AutomatedKind = 'auto-reply' | 'bounce' | 'list' | 'loop';
export interface Automated {
  kind: AutomatedKind;
  reason: string;
  /** For a bounce: who failed, with what status (read from the DSN). */
  recipients?: FailedRecipient[];
}

/** The header every mail we send carries; seeing it come back in means a loop. */
export const LOOP_HEADER = 'X-Helpdesk-Loop';

/** classifyAutomated, and for a bounce the failed recipients read from its delivery status. */
export function describeAutomated(raw: () => Buffer, mail: ParsedEmail, envelopeSender?: string): Automated | null {
  const found = classifyAutomated(mail, envelopeSender);
  if (found?.kind !== 'bounce') return found;
  return { ...found, recipients: parseBounce(raw(), mail).recipients };
}

/**
 * Is this message written by a machine? (RFC 3834 and common practice.)
 * Such a message is stored like any other but is never answered.
 * `envelopeSender` is the SMTP MAIL FROM (Return-Path), "" for a null sender.
 */
export function classifyAutomated(mail: Pick<ParsedEmail, 'headers' | 'from' | 'subject'>, envelopeSender?: string): Automated | null {
  const h = (name: string) => header(mail, name)?.trim();
  const loop = h(LOOP_HEADER);
  if (loop !== undefined) return { kind: 'loop', reason: `our own ${LOOP_HEADER} header came back (${loop.slice(0, 80)})` };
  const contentType = h('content-type') ?? '';
  const reportType = /^multipart\/report\b.*?report-type\s*=\s*"?([\w-]+)/is.exec(contentType)?.[1]?.toLowerCase();
  if (reportType === 'disposition-notification') return { kind: 'auto-reply', reason: 'read receipt (multipart/report; disposition-notification)' };
  if (reportType === 'feedback-report') return { kind: 'auto-reply', reason: 'abuse feedback report (multipart/report; feedback-report)' };
  // Bounces first: MTAs often mark them Auto-Submitted too.
  if (/^multipart\/report\b/i.test(contentType)) return { kind: 'bounce', reason: `multipart/report${reportType ? `; ${reportType}` : ''}` };
  const from = mail.from?.address ?? '';
  if (/^(mailer-daemon|postmaster)@/i.test(from)) return { kind: 'bounce', reason: `sender ${from}` };
  if (h('x-failed-recipients')) return { kind: 'bounce', reason: 'X-Failed-Recipients' };
  // After the bounces (a desk's mail returned is a bounce first), before the rest: the reason names the desk.
  const desk = otherDesk(h);
  if (desk) return { kind: 'auto-reply', reason: desk };
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted)) {
    return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  }
  const precedence = h('precedence');
  if (precedence && /^(bulk|junk|list|auto_reply)$/i.test(precedence)) {
    return { kind: precedence.toLowerCase() === 'list' ? 'list' : 'auto-reply', reason: `Precedence: ${precedence}` };
  }
  if (h('list-id')) return { kind: 'list', reason: 'List-Id' };
  if (h('list-unsubscribe')) return { kind: 'list', reason: 'List-Unsubscribe' };
  const suppress = h('x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress)) return { kind: 'auto-reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  if (h('x-autoreply') || h('x-autorespond')) return { kind: 'auto-reply', reason: 'X-Autoreply' };
  if (h('x-vacation')) return { kind: 'auto-reply', reason: 'X-Vacation' };
  // Exchange puts it on mail an inbox rule made (an auto-forward or a rule's auto-reply): no person wrote it.
  if (h('x-ms-exchange-inbox-rules-loop')) return { kind: 'auto-reply', reason: 'X-MS-Exchange-Inbox-Rules-Loop (an Exchange inbox rule)' };
  if (/^vacation$/i.test(h('x-apple-action') ?? '')) return { kind: 'auto-reply', reason: 'X-Apple-Action: VACATION' };
  const subject = mail.subject;
  if (AUTO_SUBJECT.test(subject)) return { kind: 'auto-reply', reason: `subject "${subject.slice(0, 40)}"` };
  // RFC 3834 auto-replies use the null sender too, so this comes after every auto-reply signal.
  const returnPath = envelopeSender ?? h('return-path');
  if (returnPath !== undefined && /^<?\s*>?$/.test(returnPath)) return { kind: 'bounce', reason: 'null sender (Return-Path: <>)' };
  return null;
}

/**
 * Headers other ticket systems put on the mail they send, so that two desks
 * never answer each other (each answer a new request, a registration reply,
 * forever). Read from their sources and real mails:
 * - X-Loop: procmail, mailing lists, OTRS/Znuny/OTOBO and Zammad (`X-Loop: yes`
 *   on their auto-replies and notifications);
 * - X-OTRS-Loop, X-OTOBO-Loop, X-KIX-Loop: OTRS and its forks ("no"/"false"
 *   mean no loop, as OTRS reads them); X-No-Loop, which OTRS counts too;
 * - X-RT-Loop-Prevention: Request Tracker, its rtname on every mail it sends;
 * - X-Redmine-Host, X-JIRA-FingerPrint, X-Zendesk-From-Account-Id: on every
 *   mail of Redmine, Jira and Zendesk (all of them generated).
 * osTicket sets none of its own: its auto-replies carry Auto-Submitted and
 * Precedence: auto_reply, read below. For Freshdesk we found none either.
 * A header we do not list still stops at the caps.
 */
const DESK_HEADERS = ['x-loop', 'x-otrs-loop', 'x-otobo-loop', 'x-kix-loop', 'x-no-loop', 'x-rt-loop-prevention', 'x-redmine-host', 'x-jira-fingerprint', 'x-zendesk-from-account-id'];

function otherDesk(h: (name: string) => string | undefined): string | null {
  for (const name of DESK_HEADERS) {
    const value = h(name);
    if (value === undefined || /^(no|false)$/i.test(value)) continue;
    return `loop header of another desk (or list) ${name}: ${value.slice(0, 80)}`;
  }
  return null;
}

/** Subject prefixes that vacation responders write, in English and Russian. */
const AUTO_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response)|autoreply|out of (the )?office( reply| autoreply)?|автоответ|автоматический ответ|вне офиса|отсутствую)\s*:/i;

/** Addresses that announce they read nothing: noreply@, no-reply@, donotreply@ … */
export function isNoReplyAddress(address: string): boolean {
  const local = address.split('@')[0] ?? '';
  return /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|noreply[-_.].*|bounces?(\+.*)?)$/i.test(local);
}
