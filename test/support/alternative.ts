import { convert } from 'html-to-text';
import { simpleParser } from 'mailparser';

/**
 * What "the HTML says the same as the text" means in the tests: the HTML
 * turned back into text by html-to-text (no wrapping; an image or a link's
 * address adds nothing, as in the text) and the text, each with every run of
 * white space made one space, are the same string. A mail client's
 * placeholder of an inline image in the text ("[image: screen.png]",
 * "[cid:…]") stands for the image the HTML shows, and is left out.
 */
export function sameWords(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function withoutImages(text: string): string {
  return text.replace(/\[(?:image|cid)\b[^\]\n]*\]/gi, '');
}

export function htmlAsText(html: string): string {
  return convert(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }] });
}

/** Every row has both parts, and its HTML, read back as text, says what its text says. */
export function expectAlternative(rows: readonly { kind: string; text: string; html: string | null }[]): void {
  if (rows.length === 0) throw new Error('no mail to check');
  for (const r of rows) {
    expect({ kind: r.kind, html: typeof r.html === 'string' && r.html.startsWith('<!DOCTYPE html>') }).toEqual({ kind: r.kind, html: true });
    expect({ kind: r.kind, text: sameWords(htmlAsText(r.html!)) }).toEqual({ kind: r.kind, text: sameWords(withoutImages(r.text)) });
    expect(r.html).not.toMatch(/<style|<script/i); // the CSS is inlined
  }
}

/** The same check on a mail as sent (its raw bytes): multipart/alternative, mailparser's text and html. */
export async function expectSentAlternative(raw: Buffer | string): Promise<{ text: string; html: string }> {
  const m = await simpleParser(raw);
  expect(String(raw)).toMatch(/Content-Type: multipart\/alternative/i);
  expect(typeof m.html).toBe('string');
  expect(sameWords(htmlAsText(m.html as string))).toBe(sameWords(withoutImages(m.text ?? '')));
  return { text: m.text ?? '', html: m.html as string };
}
