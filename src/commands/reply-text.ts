import { replyPart } from '../mail/quotes';
import { visible } from './lookalike';

/**
 * The marker line our mails to engineers begin with (templates/notify-*.hbs):
 * "##- Write your reply above this line -##". Whatever the client does with
 * the quote — ">" or none, an Outlook header block, a header we do not know,
 * HTML turned into text, the mail attached — the marker comes along, and
 * everything from it down is ours, never the engineer's answer.
 */
const MARKER = /##-[^\n]{0,80}-##/;

/** Lines shorter than this are too common to tell our text from the engineer's ("--", "Line: L1"). */
const DISTINCT = 20;

/**
 * What the engineer wrote in a reply: cut at our marker, then the quoted
 * history and signature taken off. '' when nothing of their own is left: a
 * reply that only quotes our notification passes nothing on.
 * `us`: the mailbox's addresses and name. The lines just above the marker
 * that name us and a date are the client's header of the quote ("Служба
 * поддержки | 20.11.2026 12:30"), whatever its wording: they go too.
 */
export function ownText(text: string, us: readonly string[]): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((l) => MARKER.test(visible(l)));
  if (at === -1) return replyPart(text);
  const above = lines.slice(0, at);
  while (above.length > 0 && visible(above.at(-1)!).trim() === '') above.pop();
  let start = above.length;
  while (start > 0 && visible(above[start - 1]).trim() !== '') start--;
  const block = above.slice(start).join('\n');
  const names = us.map((u) => u.trim().toLowerCase()).filter((u) => u.length > 0);
  const header = above.length - start <= 4 && block.length <= 400 && /\d/.test(block) && names.some((u) => block.toLowerCase().includes(u));
  return replyPart((header ? above.slice(0, start) : above).join('\n'));
}

/**
 * The first line of `body` that is text of our internal mail (`internal`:
 * notifications, confirmations, SLA notices on the request) and not the
 * customer's own (`theirs`: what the customer wrote, which the notifications
 * quote). The backstop for a quote the marker and the quote rules both
 * missed (a template without the marker, a client that drops it, text
 * pasted from the notification): such a reply is refused, never relayed.
 */
export function internalLine(body: string, internal: readonly string[], theirs: readonly string[]): string | null {
  const customer = new Set(theirs.flatMap(lines));
  const ours = new Set(internal.flatMap(lines).filter((l) => !customer.has(l)));
  if (ours.size === 0) return null;
  for (const raw of body.split('\n')) {
    if (ours.has(comparable(raw))) return raw.trim();
  }
  return null;
}

function lines(text: string): string[] {
  return text
    .split(/\r\n?|\n/)
    .map(comparable)
    .filter((l) => l.length >= DISTINCT);
}

/** A line as compared: visible characters, no quote prefix, single spaces, lower case. */
function comparable(line: string): string {
  return visible(line)
    .replace(/^[\s>|]+/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
