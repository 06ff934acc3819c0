import { isHard, reasonOf, type BounceReason } from './bounce-reason';
import type { ParsedEmail } from './email';
import { splitBounce } from './report';

/** One recipient a delivery status notification reports on. */
export interface FailedRecipient {
  address: string;
  /** RFC 3463 status code (5.1.1), or null when the bounce gives none. */
  status: string | null;
  /** The remote server's words, when given. */
  diagnostic: string | null;
  /** A permanent failure (5.x.x, or no status at all: old-style bounces are final). */
  permanent: boolean;
  /** Why, in sisimai's reason names (userunknown, mailboxfull, blocked …). */
  reason: BounceReason;
  /** The address does not exist (a permanent userunknown, hostunknown or notaccepted): the only failure that may silence it. */
  hard: boolean;
}

/** What a bounce tells us: who failed, and which of our messages it returns. */
export interface Bounce {
  recipients: FailedRecipient[];
  /**
   * Message-IDs of the returned message (its own Message-ID header) and the
   * bounce's own In-Reply-To/References. Never a header anyone could write
   * in the body, such as X-Helpdesk-Request: that proves nothing.
   */
  originalMessageIds: string[];
}

/** Bounded parts (RFC 5321 lengths), so a hostile 500 kB line costs linear time, never a backtracking storm. */
const ADDRESS = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,10}/;
const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
/** An address alone on its line, as Exim, qmail and Exchange list the failed ones (Exchange adds " on <date>"). */
const ADDRESS_LINE = new RegExp(`^[ \\t]{0,4}<?(${ADDRESS.source})>?:?(?:[ \\t]+on[ \\t].*)?[ \\t]*$`);

/**
 * Reads a bounce: the RFC 3464 delivery-status fields when there are any
 * (Final-Recipient, Status, Diagnostic-Code, one block per recipient), else
 * the addresses a text bounce lists each with its own SMTP reply (Exim,
 * qmail, Exchange), else X-Failed-Recipients or the first address in the
 * text. Only the reporting server's words are read for recipients; the
 * returned message (which may quote another bounce) only for its
 * Message-ID. Never throws.
 */
export function parseBounce(raw: Buffer, mail: Pick<ParsedEmail, 'headers' | 'from' | 'to' | 'inReplyTo' | 'references'>): Bounce {
  const { report, returnedHeaders } = splitBounce(raw);
  let recipients = statusFields(report);
  if (recipients.length === 0) recipients = textRecipients(report, mail);
  const ids = new Set<string>();
  for (const block of returnedHeaders) {
    // The header block is unfolded: a long Message-ID folded onto its next line is read whole.
    const id = /^message-id:[ \t]*(<[^<>\s]+>)/im.exec(block)?.[1];
    if (id) ids.add(id);
  }
  for (const id of [mail.inReplyTo, ...mail.references]) if (id) ids.add(id);
  return { recipients: dedupe(recipients), originalMessageIds: [...ids] };
}

/** Status, words and so reason: what a failed recipient is, once read. */
function recipient(address: string, status: string | null, diagnostic: string | null, words: string | null, delayed = false): FailedRecipient {
  const permanent = !delayed && (!status || status.startsWith('5'));
  const reason = reasonOf(status, words ?? diagnostic);
  return { address, status, diagnostic, permanent, reason, hard: permanent && isHard(reason) };
}

/** A text bounce: each listed address with its own lines, else X-Failed-Recipients, else the first address. */
function textRecipients(report: string, mail: Pick<ParsedEmail, 'headers' | 'from' | 'to'>): FailedRecipient[] {
  const own = new Set([mail.from?.address, ...mail.to.map((a) => a.address)].filter(Boolean).map((a) => a!.toLowerCase()));
  const blocks = addressBlocks(report, own);
  const failed = (mail.headers.get('x-failed-recipients') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => ADDRESS.test(s));
  const addresses = failed.length > 0 ? failed : blocks.size > 0 ? [...blocks.keys()] : firstAddress(report, own);
  return addresses.map((address) => {
    const block = blocks.get(address);
    // Only a lone recipient may be judged by the whole text; several each by their own lines.
    const words = block || (addresses.length === 1 ? report : null);
    const status = words ? (STATUS.exec(words)?.[0] ?? null) : null;
    const diagnostic = block ? block.replace(/\s+/g, ' ').trim().slice(0, 500) : words ? (/\b[45]\d\d[ -][^\n]{3,200}/.exec(words)?.[0]?.trim() ?? null) : null;
    return recipient(address, status, diagnostic, words);
  });
}

/** Each address alone on a line, with the lines under it up to a blank line or the next such address (the first listing wins). */
function addressBlocks(text: string, skip: Set<string>): Map<string, string> {
  const blocks = new Map<string, string>();
  let current: { address: string; lines: string[] } | null = null;
  const close = () => {
    if (current && !blocks.has(current.address)) blocks.set(current.address, current.lines.join('\n').trim());
    current = null;
  };
  for (const line of text.split('\n')) {
    const m = ADDRESS_LINE.exec(line);
    const address = m?.[1]?.toLowerCase();
    if (address && !skip.has(address) && !/^(mailer-daemon|postmaster)@/i.test(address)) {
      close();
      current = { address, lines: [] };
    } else if (line.trim() === '') close();
    else current?.lines.push(line);
  }
  close();
  return blocks;
}

/** RFC 3464 per-recipient blocks: a Final-Recipient (or Original-Recipient) line starts one. */
function statusFields(text: string): FailedRecipient[] {
  const out: { address: string; status: string | null; diagnostic: string | null; type: string | null; delayed: boolean }[] = [];
  let current = null as (typeof out)[number] | null;
  for (const line of unfoldLines(text)) {
    if (line.trim() === '') current = null; // blocks are separated by blank lines
    const m = /^([A-Za-z-]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const [, name, value] = m;
    const key = name.toLowerCase();
    if (key === 'final-recipient' || (key === 'original-recipient' && !current)) {
      const address = ADDRESS.exec(value.replace(/^[^;]*;/, ''))?.[0]?.toLowerCase();
      if (!address || (current?.address === address && current.status === null)) continue;
      current = { address, status: null, diagnostic: null, type: null, delayed: false };
      out.push(current);
    } else if (current && key === 'status' && current.status === null) {
      current.status = STATUS.exec(value)?.[0] ?? null;
    } else if (current && key === 'diagnostic-code' && current.diagnostic === null) {
      current.type = /^\s*([^;]*);/.exec(value)?.[1]?.trim().toLowerCase() ?? null;
      current.diagnostic = value.replace(/^[^;]*;\s*/, '').trim().slice(0, 500) || null;
    } else if (current && key === 'action') {
      current.delayed = /delayed|delivered|relayed|expanded/i.test(value);
    }
  }
  // A generic x.0.0 status says less than the remote server's own code in the diagnostic (its last one: the innermost).
  for (const r of out) {
    const codes = r.diagnostic?.match(new RegExp(STATUS.source, 'g')) ?? [];
    if (codes.length > 0 && (r.status === null || /^\d\.0\.0$/.test(r.status)) && codes.at(-1)![0] === (r.status ?? codes.at(-1)!)[0]) r.status = codes.at(-1)!;
  }
  // A local program's failure (Diagnostic-Code: X-Unix; …) is the mailer's, whatever words it prints.
  return out.map((r) => recipient(r.address, r.status, r.diagnostic, r.type === 'x-unix' ? `x-unix; ${r.diagnostic ?? ''}` : r.diagnostic, r.delayed));
}

function unfoldLines(text: string): string[] {
  return text.replace(/\n[ \t]+/g, ' ').split('\n');
}

function firstAddress(text: string, skip: Set<string>): string[] {
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
