/**
 * A bounce cut in two: what the reporting server wrote (its human text and
 * its delivery-status fields) and the message it returns. Read apart so that
 * a bounce quoted inside the returned message is never read as the report,
 * and our Message-ID is looked for only in the returned message's own header.
 */
export interface BounceReport {
  /** The reporting server's words: text parts and delivery-status fields, decoded. */
  report: string;
  /** Header blocks of the returned message(s), unfolded (one string per returned message). */
  returnedHeaders: string[];
}

/** What is read of a bounce at most: a 30 MB returned attachment is not ours to scan. */
const MAX_BYTES = 512 * 1024;
const MAX_PARTS = 50;
const MAX_DEPTH = 4;

/** Parts that carry the returned message (RFC 3462, RFC 6533). */
const RETURNED = /^(message\/(rfc822|global|rfc822-headers|global-headers)|text\/rfc822-headers)$/i;
/** Parts that carry the reporting server's words. */
const REPORT = /^(text\/plain|message\/(global-)?delivery-status|text\/delivery-status)$/i;

export function splitBounce(raw: Buffer): BounceReport {
  const out: BounceReport = { report: '', returnedHeaders: [] };
  const texts: string[] = [];
  let parts = 0;
  const walk = (entity: string, depth: number): void => {
    if (++parts > MAX_PARTS) return;
    const { headers, body } = splitEntity(entity);
    const type = (fieldOf(headers, 'content-type') ?? 'text/plain').trim();
    const mime = type.split(';')[0].trim().toLowerCase() || 'text/plain';
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(type);
    if (mime.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
      for (const p of multipartParts(body, boundary[1] ?? boundary[2])) walk(p, depth + 1);
      return;
    }
    const decoded = decodeBody(body, fieldOf(headers, 'content-transfer-encoding'), /charset\s*=\s*"?([\w.:-]+)/i.exec(type)?.[1]);
    if (RETURNED.test(mime)) out.returnedHeaders.push(headerBlock(decoded));
    else if (REPORT.test(mime) || (depth === 0 && !mime.startsWith('multipart/'))) {
      // A text bounce (qmail, Exim, Domino …) carries the returned message inline after the report.
      const at = depth === 0 || mime === 'text/plain' ? inlineReturned(decoded) : -1;
      if (at >= 0) {
        texts.push(decoded.slice(0, at));
        out.returnedHeaders.push(headerBlock(decoded.slice(at)));
      } else texts.push(decoded);
    }
  };
  walk(raw.subarray(0, MAX_BYTES).toString('latin1'), 0);
  out.report = texts.join('\n').replace(/\r\n?/g, '\n');
  return out;
}

/** The header fields and body of a MIME entity (an LF-only or CRLF text). */
function splitEntity(entity: string): { headers: string; body: string } {
  const m = /\r?\n\r?\n/.exec(entity);
  // A part that starts with a blank line has no header at all.
  if (/^\r?\n/.test(entity)) return { headers: '', body: entity.replace(/^\r?\n/, '') };
  return m ? { headers: entity.slice(0, m.index), body: entity.slice(m.index + m[0].length) } : { headers: entity, body: '' };
}

/** One header field's value, unfolded (the first occurrence). */
function fieldOf(headers: string, name: string): string | undefined {
  const re = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im');
  return re.exec(headers)?.[1]?.replace(/\r?\n[ \t]+/g, ' ');
}

function multipartParts(body: string, boundary: string): string[] {
  const parts: string[] = [];
  let current: string[] | null = null; // null: the preamble, not a part
  for (const line of body.split('\n')) {
    const l = line.replace(/\r$/, '');
    if (l === `--${boundary}` || l === `--${boundary}--`) {
      if (current) parts.push(current.join('\n'));
      if (l.endsWith('--') && l.length === boundary.length + 4) return parts;
      current = [];
    } else current?.push(line);
  }
  if (current) parts.push(current.join('\n'));
  return parts;
}

/** A part's body as text: transfer encoding undone, then its charset (UTF-8 when unknown). */
function decodeBody(body: string, encoding: string | undefined, charset: string | undefined): string {
  const cte = encoding?.trim().toLowerCase();
  let bytes: Buffer;
  if (cte === 'base64') bytes = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (cte === 'quoted-printable') bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  else bytes = Buffer.from(body, 'latin1');
  try {
    return new TextDecoder(charset && charset.toLowerCase() !== 'us-ascii' ? charset : 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8'); // an unknown charset: addresses and codes are ASCII either way
  }
}

/** The header block of a returned message: up to its first blank line, folded lines joined. */
function headerBlock(text: string): string {
  const t = text.replace(/^\s*\n/, '');
  const end = /\r?\n\r?\n/.exec(t);
  return (end ? t.slice(0, end.index) : t).replace(/\r?\n[ \t]+/g, ' ');
}

/** A returned message's first header: a header line followed by another (one "Subject:" in prose is not one). */
const HEADER_LINE = /^(return-path|received|message-id|from|date|subject|to|content-type|mime-version|x-[\w-]+|dkim-signature|arc-[\w-]+|reply-to):/i;

/** Where in a text bounce the returned message starts, or -1. */
function inlineReturned(text: string): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (HEADER_LINE.test(lines[i])) {
      let j = i + 1;
      while (j < lines.length && /^[ \t]/.test(lines[j])) j++;
      if (j < lines.length && /^[A-Za-z][\w-]*:/.test(lines[j])) return offset;
    }
    offset += lines[i].length + 1;
  }
  return -1;
}
