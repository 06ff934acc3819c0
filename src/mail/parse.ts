import fs from 'node:fs';
import type { AddressObject, EmailAddress } from 'mailparser';
import { convert as htmlToText } from 'html-to-text';
import type { Automated } from './automated';
import { isTransient } from '../storage/faults';
import { readMime, type AttachmentSink, type Mime } from './mime';
import { newPart } from './quotes';
import type { Address, ParsedEmail } from './email';

export { header, type Address, type ParsedAttachment, type ParsedEmail } from './email';

/**
 * What one message may cost to read, whatever its shape (the raw message is
 * kept whole either way). Each limit is far above what mail clients write:
 * - MIME parts, and the header block of one part: past them only the
 *   headers are read (mailsplit counts them);
 * - nesting: multipart in multipart; past it only the headers are read;
 * - references: the thread check looks each one up, so only the first (the
 *   thread's root) and the newest are kept;
 * - attachments whose bytes are kept: each is a file (about a millisecond
 *   of CPU); past it each is still recorded, with its name, size and hash;
 * - forwarded: message/rfc822 parts whose text is read, at every level
 *   together (each is a whole parse of its own), and how deep.
 */
export const LIMITS = { mimeParts: 5000, headerBytes: 1024 * 1024, nesting: 50, attachments: 200, references: 50, forwarded: 20, forwardDepth: 3 } as const;

/**
 * Parses raw bytes. Never throws for input that is an email at all: what
 * cannot be decoded is left empty. The text of forwarded messages
 * (message/rfc822 parts) is appended to the text, as the customer meant it
 * to be read; the parts are kept as attachments too.
 */
export async function parseEmail(raw: Buffer | { file: string }, o: { sink?: AttachmentSink } = {}): Promise<ParsedEmail> {
  return parseOne(raw, o.sink, { forwarded: LIMITS.forwarded, seen: 0 }, 0);
}

/** Forwarded messages still to be read, shared by every level of one parse; seen: how many there were. */
interface Budget {
  forwarded: number;
  seen: number;
}

async function parseOne(raw: Buffer | { file: string }, sink: AttachmentSink | undefined, budget: Budget, depth: number): Promise<ParsedEmail> {
  let parsed: Mime;
  const input = Buffer.isBuffer(raw) ? raw : fs.createReadStream(raw.file, { highWaterMark: 256 * 1024 });
  try {
    // maxChildNodes: mailsplit stops at 1 000 MIME parts by default; a customer's 1 000 attachments must still parse.
    // skipHtmlToText: an HTML-only mail is turned into text by safeHtmlToText below, which drops images and script links.
    // skipTextToHtml: nothing reads textAsHtml, and making it was 7 % of intake's time (the HTML entity encoder).
    const options = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, maxChildNodes: LIMITS.mimeParts, maxHeadSize: LIMITS.headerBytes };
    parsed = await readMime(input, options, sink, { depth: LIMITS.nesting, keep: LIMITS.attachments });
  } catch (err) {
    if (isTransient(err)) throw err; // the sink's disk is full: not the message's fault
    return fallback(Buffer.isBuffer(raw) ? raw : head(raw.file), err as Error);
  }
  const cut: string[] = [];
  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines ?? []) {
    const value = unfold(line.slice(line.indexOf(':') + 1));
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  const ownText = parsed.text?.trim() ? parsed.text : parsed.html ? safeHtmlToText(parsed.html) : (parsed.text ?? '');
  let text = ownText;
  if (depth < LIMITS.forwardDepth) {
    for (const a of parsed.attachments ?? []) {
      if (a.contentType !== 'message/rfc822') continue;
      budget.seen++;
      if (budget.forwarded === 0 || !a.content) continue;
      budget.forwarded--;
      const inner = (await parseOne(a.content, undefined, budget, depth + 1)).text.trim();
      if (inner) text = text.trim() ? `${text.trimEnd()}\n\n${inner}` : inner;
    }
  }
  const dropped = parsed.attachments.filter((a) => a.skipped).length;
  if (dropped > 0) cut.push(`attachments: ${parsed.attachments.length}, bytes kept of ${parsed.attachments.length - dropped}`);
  if (depth === 0 && budget.seen > LIMITS.forwarded) cut.push(`forwarded messages: ${budget.seen}, text read of ${LIMITS.forwarded}`);
  const references = toIdList(parsed.references, cut);
  return {
    messageId: normalizeId(parsed.messageId),
    inReplyTo: normalizeId(parsed.inReplyTo),
    references,
    from: flatten(parsed.from)[0] ?? null,
    replyTo: flatten(parsed.replyTo),
    to: flatten(parsed.to),
    cc: flatten(parsed.cc),
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim(),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text,
    ownText,
    html: typeof parsed.html === 'string' && parsed.html ? parsed.html : null,
    attachments: parsed.attachments,
    headers,
    parseError: null,
    cut,
  };
}

/** The JSON shape of `helpdesk parse --json`. */
export function toJson(mail: ParsedEmail, ticketNumber: string | null, automated: Automated | null = null) {
  return {
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    date: mail.date ? mail.date.toISOString() : null,
    text: mail.text,
    newText: newPart(mail.text),
    attachments: mail.attachments.map(({ filename, contentType, size, sha256: hash }) => ({
      filename,
      contentType,
      size,
      sha256: hash,
    })),
    ticketNumber,
    automated,
    ...(mail.parseError ? { parseError: mail.parseError } : {}),
    ...(mail.cut.length > 0 ? { cut: mail.cut } : {}),
  };
}

function flatten(field: AddressObject | AddressObject[] | undefined): Address[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: Address[] = [];
  const walk = (list: EmailAddress[]) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address) out.push({ address: a.address.toLowerCase(), name: a.name ?? '' });
    }
  };
  for (const o of objects) walk(o.value ?? []);
  return out;
}

function normalizeId(id: string | undefined | null): string | null {
  if (!id) return null;
  const m = /<([^<>\s]+)>/.exec(id);
  const bare = (m ? m[1] : id).trim();
  return bare ? `<${bare}>` : null;
}

/** The Message-IDs of References: the first (the thread's root) and the newest, LIMITS.references in all. */
function toIdList(refs: string | string[] | undefined, cut: string[]): string[] {
  const joined = Array.isArray(refs) ? refs.join(' ') : (refs ?? '');
  const ids = [...new Set(joined.match(/<[^<>\s]+>/g) ?? [])];
  if (ids.length <= LIMITS.references) return ids;
  cut.push(`References: ${ids.length}, kept ${LIMITS.references}`);
  return [ids[0], ...ids.slice(ids.length - (LIMITS.references - 1))];
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

function safeHtmlToText(html: string): string {
  try {
    // Text only: no images, no scripts, and a link's address only when it is a web or mail address.
    return htmlToText(html, {
      wordwrap: false,
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true, pathRewrite: (href: string) => (/^(https?|mailto):/i.test(href.trim()) ? href : '') } },
      ],
    }).replace(/ ?\[\]/g, '');
  } catch {
    return '';
  }
}

/** The first megabyte of a stored message: enough for its headers. */
function head(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Headers only: used when the parse fails or a limit stops it. The text is
 * left empty, never the body's MIME source: what follows the headers may be
 * megabytes of base64 and boundaries, and the text is what engineers are
 * mailed. The raw message is kept either way.
 */
function fallback(raw: Buffer, err: Error): ParsedEmail {
  const end = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, end >= 0 ? end : raw.length).toString('latin1');
  const headers = new Map<string, string[]>();
  for (const line of unfold(head).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) {
      const key = line.slice(0, i).trim().toLowerCase();
      headers.set(key, [...(headers.get(key) ?? []), line.slice(i + 1).trim()]);
    }
  }
  const first = (k: string) => headers.get(k)?.[0];
  const addr = /[^\s<>"]+@[^\s<>"]+/.exec(first('from') ?? '')?.[0]?.toLowerCase();
  const date = first('date') ? new Date(first('date')!) : null;
  const cut = [`body: not read (${describe(err)})`];
  return {
    messageId: normalizeId(first('message-id')),
    inReplyTo: normalizeId(first('in-reply-to')),
    references: toIdList(first('references'), cut),
    from: addr ? { address: addr, name: '' } : null,
    replyTo: [],
    to: [],
    cc: [],
    subject: first('subject') ?? '',
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    text: '',
    attachments: [],
    headers,
    parseError: describe(err),
    cut,
  };
}

/** mailsplit's limit errors, in the words of our limits. */
function describe(err: Error): string {
  if (/max allowed child nodes/i.test(err.message)) return `more than ${LIMITS.mimeParts} MIME parts`;
  if (/max header size/i.test(err.message)) return `a header block larger than ${LIMITS.headerBytes} bytes`;
  return err.message;
}
