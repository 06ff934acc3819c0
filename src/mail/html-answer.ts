import { DomUtils, parseDocument } from 'htmlparser2';
import type { ChildNode, Document, Element } from 'domhandler';
import { sanitize } from './sanitize';

/**
 * The HTML of an engineer's answer as the customer may see it: sanitised,
 * and holding the same words as the answer's text (`body`: the text part with
 * its quoted history and command lines already taken out), nothing else.
 *
 * 1. The quoted history that mail clients mark is cut: every <blockquote>
 *    (Thunderbird and Apple Mail's type=cite, Gmail's gmail_quote, Yandex
 *    and Mail.ru's wrappers), Gmail's attribution (gmail_attr), Thunderbird's
 *    moz-cite-prefix, and from Outlook's divRplyFwdMsg / appendonsend / the
 *    "From:" block under a top border to the end.
 * 2. What is left is sanitised (mail/sanitize.ts).
 * 3. The part whose letters and digits are exactly the body's is kept, the
 *    rest before and after it dropped: the attribution line ("On … wrote:"),
 *    the command lines at the top, a signature the text cut.
 *
 * Null when the HTML does not hold the body's words in one run (a command
 * line amid the text, text the text part does not have, an answer written
 * below the quote): the caller sends the text as HTML instead.
 */
export function answerHtml(html: string, body: string): string | null {
  const target = letters(body.replace(/\[(?:image|cid|изображение)\b[^\]\n]{0,300}\]/gi, ''));
  if (target === '') return null;
  const marked = parseDocument(html);
  cutQuotes(marked);
  const doc = parseDocument(sanitize(DomUtils.getOuterHTML(marked)));
  if (!keepRun(doc, target)) return null;
  const out = sanitize(DomUtils.getOuterHTML(doc)).trim();
  return out === '' ? null : out;
}

/** The letters and digits of a text, in order: what two renderings of one answer share. */
export function letters(s: string): string {
  return (s.normalize('NFKC').match(/[\p{L}\p{N}]/gu) ?? []).join('');
}

const QUOTE_CLASS = /(?:^|\s)(?:gmail_quote|gmail_attr|moz-cite-prefix|yahoo_quoted|protonmail_quote|ms-outlook-mobile-reference-message)(?:\s|$)/i;
const CUT_TO_END_ID = /^(?:divRplyFwdMsg|appendonsend|stopSpelling|mail-editor-reference-message-container)$/i;
const FROM_LINE = /^\s*(?:from|от|von|de|da|van|fra|från|od)\s*:/i;

function cutQuotes(doc: Document): void {
  const elements = DomUtils.findAll(() => true, doc.children);
  for (const el of elements) {
    const cls = el.attribs.class ?? '';
    if (el.name === 'blockquote' || QUOTE_CLASS.test(cls)) {
      DomUtils.removeElement(el);
    } else if (CUT_TO_END_ID.test(el.attribs.id ?? '') || outlookHeaderBlock(el)) {
      removeFrom(el);
    }
  }
}

/** Outlook's header of the quoted mail: a block under a top border whose text begins "From:". */
function outlookHeaderBlock(el: Element): boolean {
  const style = (el.attribs.style ?? '').replace(/\s+/g, '').toLowerCase();
  if (el.name !== 'div' || !/border-top(?:-style)?:solid|border-top:[^;]*solid/.test(style)) return false;
  return FROM_LINE.test(DomUtils.textContent(el).replace(/\u00a0/g, ' '));
}

/** Removes the node and everything after it in the document. */
function removeFrom(node: ChildNode): void {
  for (let n: ChildNode | null = node; n; n = n.parent as ChildNode | null) {
    while (n.next) DomUtils.removeElement(n.next);
  }
  DomUtils.removeElement(node);
}

/** Keeps only the run of the document whose letters are `target`; false when there is none. */
function keepRun(doc: Document, target: string): boolean {
  const texts = DomUtils.filter((n) => n.type === 'text', doc.children, true) as (ChildNode & { data: string })[];
  // Each letter of the document: which text node, and at which index of its data.
  const at: { node: number; index: number }[] = [];
  let stream = '';
  texts.forEach((t, node) => {
    const data = t.data.normalize('NFKC');
    t.data = data;
    for (const m of data.matchAll(/[\p{L}\p{N}]/gu)) {
      at.push({ node, index: m.index });
      stream += m[0];
    }
  });
  const first = stream.indexOf(target);
  if (first < 0) return false;
  const start = at[[...stream.slice(0, first)].length];
  const end = at[[...stream.slice(0, first)].length + [...target].length - 1];
  const startNode = texts[start.node];
  const endNode = texts[end.node];
  // The punctuation around the run's first and last letters belongs to it, up to a line break or another letter.
  let from = start.index;
  while (from > 0 && !/[\p{L}\p{N}\n]/u.test(startNode.data[from - 1])) from--;
  let to = end.index + String.fromCodePoint(endNode.data.codePointAt(end.index)!).length;
  while (to < endNode.data.length && !/[\p{L}\p{N}\n]/u.test(endNode.data[to])) to++;
  if (startNode === endNode) startNode.data = startNode.data.slice(from, to);
  else {
    startNode.data = startNode.data.slice(from);
    endNode.data = endNode.data.slice(0, to);
  }
  // Pre-order positions: a node wholly before the start goes, and one after the end unless no letter
  // came between (an image, a line break right under the answer stay; the next words do not).
  const order = new Map<ChildNode, { pre: number; last: number }>();
  let i = 0;
  const walk = (n: ChildNode) => {
    const pre = i++;
    for (const c of (n as Element).children ?? []) walk(c);
    order.set(n, { pre, last: i - 1 });
  };
  doc.children.forEach(walk);
  const s = order.get(startNode)!.pre;
  const next = texts.slice(end.node + 1).find((t) => /[\p{L}\p{N}]/u.test(t.data));
  const e = next ? order.get(next)!.pre - 1 : Infinity;
  const last = order.get(endNode)!.pre;
  const separator = (n: ChildNode, o: { pre: number }) => o.pre > last && (n as Element).name === 'hr'; // Outlook's line above the quote
  for (const [n, o] of order) if ((o.last < s || o.pre > e || separator(n, o)) && n.parent) DomUtils.removeElement(n);
  return true;
}
