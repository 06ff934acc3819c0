import type { ParsedEmail } from './parse';

/** One recipient a delivery status notification reports on. */
export interface FailedRecipient {
  address: string;
  /** RFC 3463 status code (5.1.1), or null when the bounce gives none. */
  status: string | null;
  /** The remote server's words, when given. */
  diagnostic: string | null;
  /** A permanent failure (5.x.x, or no status at all: old-style bounces are final). */
  permanent: boolean;
}

/** What a bounce tells us: who failed, and which of our messages it returns. */
export interface Bounce {
  recipients: FailedRecipient[];
  /** Message-IDs found in the returned message (and the bounce's own In-Reply-To/References). */
  originalMessageIds: string[];
  /** Registration numbers found in a returned X-Helpdesk-Request header. */
  requestNumbers: string[];
}

const ADDRESS = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/;
const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

/**
 * Reads a bounce: the RFC 3464 delivery-status fields when there are any
 * (Final-Recipient, Status, Diagnostic-Code, one block per recipient), else
 * X-Failed-Recipients and the first address and status code in the text, as
 * qmail, Exim, Gmail and Domino write them. Never throws.
 */
export function parseBounce(raw: Buffer, mail: Pick<ParsedEmail, 'headers' | 'text' | 'attachments' | 'from' | 'to' | 'inReplyTo' | 'references'>): Bounce {
  const rawText = raw.toString('utf8');
  const split = /\r?\n\r?\n/.exec(rawText);
  const body = split ? rawText.slice(split.index) : '';
  const parts = mail.attachments.filter((a) => /^(message\/|text\/rfc822-headers)/i.test(a.contentType)).map((a) => a.content?.toString('utf8') ?? '');
  const haystack = [body, mail.text, ...parts].join('\n').replace(/\r\n/g, '\n');

  let recipients = statusFields(haystack);
  if (recipients.length === 0) {
    const own = new Set([mail.from?.address, ...mail.to.map((a) => a.address)].filter(Boolean));
    const failed = (mail.headers.get('x-failed-recipients') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => ADDRESS.test(s));
    const human = humanPart(mail.text || body);
    const addresses = failed.length > 0 ? failed : firstAddress(human, own);
    const status = STATUS.exec(human)?.[0] ?? null;
    const diagnostic = /\b[45]\d\d[ -][^\n]{3,200}/.exec(human)?.[0]?.trim() ?? null;
    recipients = addresses.map((address) => ({ address, status, diagnostic, permanent: !status || status.startsWith('5') }));
  }
  const ids = new Set<string>();
  for (const m of haystack.matchAll(/^(?:message-id|in-reply-to|references):[ \t]*((?:<[^<>\s]+>[ \t]*)+)/gim)) for (const id of m[1].match(/<[^<>\s]+>/g) ?? []) ids.add(id);
  for (const id of [mail.inReplyTo, ...mail.references]) if (id) ids.add(id);
  const numbers = [...new Set([...haystack.matchAll(/^x-helpdesk-request:[ \t]*(\S+)/gim)].map((m) => m[1]))];
  return { recipients: dedupe(recipients), originalMessageIds: [...ids], requestNumbers: numbers };
}

/** RFC 3464 per-recipient blocks: a Final-Recipient (or Original-Recipient) line starts one. */
function statusFields(text: string): FailedRecipient[] {
  const out: FailedRecipient[] = [];
  let current = null as FailedRecipient | null;
  for (const line of unfoldLines(text)) {
    if (line.trim() === '') current = null; // blocks are separated by blank lines
    const m = /^([A-Za-z-]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const [, name, value] = m;
    const key = name.toLowerCase();
    if (key === 'final-recipient' || (key === 'original-recipient' && !current)) {
      const address = ADDRESS.exec(value.replace(/^[^;]*;/, ''))?.[0]?.toLowerCase();
      if (!address || (current?.address === address && current.status === null)) continue;
      current = { address, status: null, diagnostic: null, permanent: true };
      out.push(current);
    } else if (current && key === 'status' && current.status === null) {
      current.status = STATUS.exec(value)?.[0] ?? null;
      current.permanent = !current.status || current.status.startsWith('5');
    } else if (current && key === 'diagnostic-code' && current.diagnostic === null) {
      current.diagnostic = value.replace(/^[^;]*;\s*/, '').trim().slice(0, 500) || null;
    } else if (current && key === 'action' && /delayed|delivered|relayed|expanded/i.test(value) && current.status === null) {
      current.permanent = false;
    }
  }
  // A generic x.0.0 status says less than the remote server's own code in the diagnostic (its last one: the innermost).
  for (const r of out) {
    const codes = r.diagnostic?.match(new RegExp(STATUS.source, 'g')) ?? [];
    if (codes.length > 0 && (r.status === null || /^\d\.0\.0$/.test(r.status)) && codes.at(-1)![0] === (r.status ?? codes.at(-1)!)[0]) r.status = codes.at(-1)!;
  }
  return out;
}

function unfoldLines(text: string): string[] {
  return text.replace(/\n[ \t]+/g, ' ').split('\n');
}

/** The text before the returned message (its first header line). */
function humanPart(text: string): string {
  const m = /^(return-path|received|message-id|from|date|subject|to|content-type):/im.exec(text);
  return (m ? text.slice(0, m.index) : text).replace(/\r\n/g, '\n');
}

function firstAddress(text: string, skip: Set<string | undefined>): string[] {
  for (const m of text.matchAll(new RegExp(ADDRESS.source, 'g'))) {
    const a = m[0].toLowerCase().replace(/\.$/, '');
    if (!skip.has(a) && !/^(mailer-daemon|postmaster)@/i.test(a)) return [a];
  }
  return [];
}

function dedupe(list: FailedRecipient[]): FailedRecipient[] {
  const seen = new Map<string, FailedRecipient>();
  for (const r of list) if (!seen.has(r.address)) seen.set(r.address, r);
  return [...seen.values()];
}
