import { inlineForward, type ForwardClient, type Original } from '../../mail/forward';
import type { ParsedEmail } from '../../mail/parse';
import type { NewAttachment } from '../../requests/tx';

/**
 * A customer's mail an engineer forwarded to the desk, as read from the
 * forward: attached whole (message/rfc822: its own headers, text and
 * attachments), or inline (a client's "Forwarded message" block: the block's
 * From, Date, Subject, To, Cc and the text below it; the forward's own
 * attachments are the original's). Whether it opens a request for the
 * original sender is the forward filter's question (proof) and the outcome
 * table's; this only reads it.
 */
export interface Forward {
  form: 'attached' | 'inline';
  client: ForwardClient;
  /** The forwarder's own text, above the forwarded part. */
  own: string;
  /** `#notify` in the own text: the original sender gets the registration reply. */
  notify: boolean;
  original: Original & { messageId: string | null; inReplyTo: string | null; references: string[] };
  /** The original's attachments, stored. */
  files: NewAttachment[];
}

const NOTIFY = /(^|\s)#notify(?=\s|$)/i;

/**
 * The forward in an engineer's mail, or null: a client's inline block in the
 * engineer's own text part, else the first attached message. The inline
 * block wins: a customer's mail forwarded inline may carry a mail of its own
 * attached (anyone's, naming anyone), which is the customer's file, not the
 * forward. `#notify` and the forwarder's own text are read from the
 * engineer's own text part only, never from the text of an attached mail.
 */
export async function readForward(
  mail: ParsedEmail,
  o: { timeZone: string; files: readonly NewAttachment[]; parse: (raw: Buffer) => Promise<ParsedEmail>; store: (m: ParsedEmail) => Promise<NewAttachment[]> },
): Promise<Forward | null> {
  const ownText = mail.ownText ?? mail.text;
  const inline = inlineForward(ownText, o.timeZone);
  if (!inline) {
    const part = mail.attachments.find((a) => a.contentType === 'message/rfc822' && a.content);
    if (!part?.content) return null;
    const inner = await o.parse(part.content);
    if (!inner.from) return null;
    const own = ownText.trim();
    const original = { from: inner.from, date: inner.date, subject: inner.subject, to: inner.to, cc: inner.cc, text: inner.text, messageId: inner.messageId, inReplyTo: inner.inReplyTo, references: inner.references };
    return { form: 'attached', client: 'attached', own, notify: NOTIFY.test(own), original, files: await o.store(inner) };
  }
  // A block without a subject line (Yandex's): the forward's own subject, without its "Fwd:".
  const subject = inline.original.subject || mail.subject.replace(/^((fwd?|fw|пересл|переслано)\s*:\s*)+/i, '').trim();
  const original = { ...inline.original, subject, messageId: null, inReplyTo: null, references: [] };
  return { form: 'inline', client: inline.client, own: inline.own, notify: NOTIFY.test(inline.own), original, files: [...o.files] };
}
