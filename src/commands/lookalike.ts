/**
 * Text that looks like something it is not: invisible characters, full-width
 * and other compatibility forms, letters of other scripts drawn like Latin
 * ones. The command parser uses this to refuse a command that is not written
 * plainly (rather than relay it to the customer), and the desk to compare a
 * reply with the mail we sent.
 */

/** Format characters (zero-width space, joiners, direction marks, BOM, soft hyphen) and the other default-ignorable ones (Hangul fillers, variation selectors, grapheme joiner): drawn as nothing. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * Letters of Cyrillic, Greek and Latin extensions drawn like the Latin
 * letters of our command words (UTS #39 confusables, the ones that matter
 * here). NFKC does not fold these: they are letters of their own.
 */
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', о: 'o', р: 'p', ԛ: 'q', г: 'r', ѕ: 's', т: 't', у: 'y', х: 'x', ԝ: 'w', п: 'n',
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ѕ: 'S', Т: 'T', У: 'Y', Х: 'X', Ԛ: 'Q', Ԝ: 'W',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w', η: 'n',
  Α: 'A', Β: 'B', Ε: 'E', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X', Ζ: 'Z',
  ı: 'i', ɑ: 'a', ɡ: 'g', ɩ: 'i', ʟ: 'L', ո: 'n', ս: 'u', օ: 'o',
};

/** The invisible, blank and "#"-like characters of s, as U+XXXX (at most three). */
export function invisibleIn(s: string): string[] {
  return codes([...s.matchAll(new RegExp(`${INVISIBLE.source}|${BLANK.source}|${HASHLIKE.source}`, 'gu'))].map((m) => m[0]));
}

/** The characters of s that NFKC changes (full-width ＃, ligatures, mathematical letters …), as U+XXXX (at most three). */
export function compatibilityIn(s: string): string[] {
  return codes([...s].filter((c) => c.normalize('NFKC') !== c));
}

/** The letters of s that are not ASCII (after NFKC), as U+XXXX (at most three). */
export function foreignIn(s: string): string[] {
  return codes([...s.normalize('NFKC')].filter((c) => /[^\x00-\x7f]/.test(c)));
}

/** Drawn blank though no space nor default-ignorable: the braille blank. */
const BLANK = /\u2800/gu;
/** Drawn like "#" though NFKC keeps them: music sharp, viewdata square. */
const HASHLIKE = /[\u266F\u2317]/gu;
/** Bidirectional embeddings, overrides and isolates: the line is drawn in another order than it is written. */
export const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;

/** What a reader sees: NFKC, invisible and blank characters removed, "#" look-alikes read as "#". */
export function visible(s: string): string {
  return s.normalize('NFKC').replace(INVISIBLE, '').replace(BLANK, ' ').replace(HASHLIKE, '#');
}

/** What a reader may take it for: visible, accents dropped, look-alike letters read as Latin, lower case. */
export function skeleton(s: string): string {
  return [...visible(s).normalize('NFD').replace(/\p{M}/gu, '')]
    .map((c) => CONFUSABLE[c] ?? c)
    .join('')
    .toLowerCase();
}

/** s with its invisible characters shown as <U+XXXX>, so that a confirmation can name them. */
export function shown(s: string): string {
  return s.replace(INVISIBLE, (c) => `<${code(c)}>`);
}

function codes(chars: string[]): string[] {
  return [...new Set(chars.map(code))].slice(0, 3);
}

function code(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
