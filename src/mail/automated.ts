import { parseBounce, type FailedRecipient } from './dsn';
import { header, type ParsedEmail } from './parse';

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
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted)) {
    return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  }
  const precedence = h('precedence');
  if (precedence && /^(bulk|junk|list)$/i.test(precedence)) {
    return { kind: precedence.toLowerCase() === 'list' ? 'list' : 'auto-reply', reason: `Precedence: ${precedence}` };
  }
  if (h('list-id')) return { kind: 'list', reason: 'List-Id' };
  if (h('list-unsubscribe')) return { kind: 'list', reason: 'List-Unsubscribe' };
  const suppress = h('x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress)) return { kind: 'auto-reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  if (h('x-autoreply') || h('x-autorespond')) return { kind: 'auto-reply', reason: 'X-Autoreply' };
  if (/^vacation$/i.test(h('x-apple-action') ?? '')) return { kind: 'auto-reply', reason: 'X-Apple-Action: VACATION' };
  const subject = mail.subject;
  if (AUTO_SUBJECT.test(subject)) return { kind: 'auto-reply', reason: `subject "${subject.slice(0, 40)}"` };
  // RFC 3834 auto-replies use the null sender too, so this comes after every auto-reply signal.
  const returnPath = envelopeSender ?? h('return-path');
  if (returnPath !== undefined && /^<?\s*>?$/.test(returnPath)) return { kind: 'bounce', reason: 'null sender (Return-Path: <>)' };
  return null;
}

/** Subject prefixes that vacation responders write, in English and Russian. */
const AUTO_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response)|autoreply|out of (the )?office( reply| autoreply)?|автоответ|автоматический ответ|вне офиса)\s*:/i;

/** Addresses that announce they read nothing: noreply@, no-reply@, donotreply@ … */
export function isNoReplyAddress(address: string): boolean {
  const local = address.split('@')[0] ?? '';
  return /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|noreply[-_.].*|bounces?(\+.*)?)$/i.test(local);
}
