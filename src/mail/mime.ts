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
  size: number;
  sha256: string;
  /** The bytes, when held in memory (always without a sink; with one, only for message/* parts). */
  content: Buffer | null;
  /** With a sink: the sink kept the bytes. */
  kept: boolean;
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

/**
 * mailparser's streaming parser, read part by part. Attachments go to the
 * sink while they are decoded, so a 30 MB log never sits in memory whole.
 */
export function readMime(raw: Buffer | Readable, options: Record<string, unknown>, sink?: AttachmentSink): Promise<Mime> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(options);
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
      const part = { filename: data.filename ?? null, contentType: data.contentType || 'application/octet-stream' };
      const taken: Promise<{ sha256: string; size: number; kept: boolean; content?: Buffer }> =
        sink && !READ_BACK.test(part.contentType) ? sink.take(data.content) : collect(data.content);
      taken.then(
        (t) => {
          mail.attachments.push({ ...part, size: t.size, sha256: t.sha256, content: t.content ?? null, kept: t.kept });
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

async function collect(stream: Readable): Promise<{ content: Buffer; sha256: string; size: number; kept: boolean }> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const content = Buffer.concat(chunks);
  return { content, sha256: sha256(content), size: content.length, kept: true };
}
