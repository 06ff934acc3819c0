import crypto from 'node:crypto';
import { MailParser, type AddressObject, type HeaderLines, type Headers } from 'mailparser';
import type { Readable } from 'node:stream';
import { sha256 } from '../storage/blobs';

/** Where an attachment's bytes go as they are decoded. Without one they are kept in memory. */
export interface AttachmentSink {
  take(stream: Readable): Promise<{ sha256: string; size: number; kept: boolean }>;
}

export interface MimePart {
  filename: string | null;
  contentType: string;
  /** Its Content-ID without the angle brackets: an inline image the HTML shows as cid:… */
  contentId?: string | null;
  size: number;
  sha256: string;
  /** The bytes, when held in memory (always without a sink; with one, only for message/* parts). */
  content: Buffer | null;
  /** With a sink: the sink kept the bytes. */
  kept: boolean;
  /** Why the bytes were neither kept nor held, when a limit of readMime's dropped them (hashed and counted only). */
  skipped?: string;
}

/** What readMime reads of one message at most. */
export interface MimeLimits {
  /** Levels of MIME parts inside each other; deeper fails the parse. */
  depth: number;
  /** Parts whose bytes are kept (sink) or held (memory); past it each is hashed and counted only. */
  keep: number;
}

export interface Mime {
  headers: Headers;
  headerLines: HeaderLines;
  text?: string;
  html?: string | false;
  attachments: MimePart[];
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  date?: Date;
  from?: AddressObject;
  to?: AddressObject | AddressObject[];
  cc?: AddressObject | AddressObject[];
  replyTo?: AddressObject;
}

/** Parts we read ourselves later (forwarded mail, returned headers of a bounce): kept in memory even with a sink. */
const READ_BACK = /^(message\/|text\/rfc822-headers)/i;

/** A MIME node of mailsplit: enough to know how deep it sits. */
interface SplitNode {
  parentNode: SplitNode | false;
}

/** The parts of mailsplit's splitter (inside mailparser) that the depth limit hooks into. */
interface Splitter {
  node: SplitNode;
  newNode(parent: SplitNode | false): void;
  processLine(line: Buffer, final: boolean, next: (err?: Error) => void): void;
}

/**
 * mailparser's streaming parser, read part by part. Attachments go to the
 * sink while they are decoded, so a 30 MB log never sits in memory whole.
 * A part nested deeper than limits.depth fails the parse at once (see
 * limitDepth).
 */
export function readMime(raw: Buffer | Readable, options: Record<string, unknown>, sink?: AttachmentSink, limits: MimeLimits = { depth: Infinity, keep: Infinity }): Promise<Mime> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(options);
    limitDepth((parser as unknown as { splitter: Splitter }).splitter, limits.depth);
    const mail: Partial<Mime> & { attachments: MimePart[] } = { attachments: [] };
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      parser.destroy();
      reject(err);
    };
    parser.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headers = headers;
      mail.headerLines = (parser as unknown as { headerLines: HeaderLines }).headerLines;
    });
    let reading = false;
    const next = (): void => {
      reading = true;
      const data = parser.read();
      if (data === null || failed) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        mail.text = data.text;
        mail.html = data.html;
        next();
        return;
      }
      const part = { filename: data.filename ?? null, contentType: data.contentType || 'application/octet-stream', contentId: (data as { cid?: string }).cid ?? null };
      // Each kept part is a file of its own (about a millisecond of CPU in system calls): thousands would cost seconds.
      const keep = mail.attachments.length < limits.keep;
      const taken: Promise<{ sha256: string; size: number; kept: boolean; content?: Buffer }> = !keep
        ? digest(data.content)
        : sink && !READ_BACK.test(part.contentType)
          ? sink.take(data.content)
          : collect(data.content);
      taken.then(
        (t) => {
          const skipped = keep ? {} : { skipped: `past the first ${limits.keep} attachments of the message` };
          mail.attachments.push({ ...part, size: t.size, sha256: t.sha256, content: t.content ?? null, kept: t.kept, ...skipped });
          data.release();
          next();
        },
        (err: Error) => fail(err),
      );
    };
    parser.on('readable', () => {
      if (!reading) next();
    });
    parser.on('end', () => {
      if (failed) return;
      const h = mail.headers ?? new Map();
      resolve({
        ...mail,
        headers: h,
        headerLines: mail.headerLines ?? [],
        subject: h.get('subject') as string | undefined,
        messageId: h.get('message-id') as string | undefined,
        inReplyTo: h.get('in-reply-to') as string | undefined,
        references: h.get('references') as string | string[] | undefined,
        date: h.get('date') as Date | undefined,
        from: h.get('from') as AddressObject | undefined,
        to: h.get('to') as AddressObject | AddressObject[] | undefined,
        cc: h.get('cc') as AddressObject | AddressObject[] | undefined,
        replyTo: h.get('reply-to') as AddressObject | undefined,
      } as Mime);
    });
    if (Buffer.isBuffer(raw)) parser.end(raw);
    else raw.once('error', fail).pipe(parser);
  });
}

/**
 * mailsplit counts parts but not levels, and its cost grows with the square
 * of the depth (each new part copies and filters its parent's part number):
 * 3 000 levels cost seconds, and mailparser's recursive walk of the tree
 * overflows the stack a little deeper. So the splitter itself stops at the
 * first line past the limit, the way it stops past its part limit (an error
 * from processLine); mailparser reads the parts only later, up to 64 KB
 * behind. mailparser is pinned to one version, with its splitter.
 */
function limitDepth(splitter: Splitter, max: number): void {
  if (max === Infinity) return;
  const newNode = splitter.newNode.bind(splitter);
  const processLine = splitter.processLine.bind(splitter);
  let tooDeep = false;
  splitter.newNode = (parent) => {
    newNode(parent);
    let depth = 0;
    for (let n = splitter.node.parentNode; n && depth <= max; n = n.parentNode) depth++;
    if (depth > max) tooDeep = true;
  };
  splitter.processLine = (line, final, next) => (tooDeep ? next(new Error(`MIME parts nested deeper than ${max} levels`)) : processLine(line, final, next));
}

/** Hash and size of a part whose bytes are dropped. */
async function digest(stream: Readable): Promise<{ sha256: string; size: number; kept: boolean }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const c of stream) {
    hash.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size, kept: false };
}

async function collect(stream: Readable): Promise<{ content: Buffer; sha256: string; size: number; kept: boolean }> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const content = Buffer.concat(chunks);
  return { content, sha256: sha256(content), size: content.length, kept: true };
}
