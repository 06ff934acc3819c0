/**
 * The new part of a reply: what the writer typed, without the quoted history
 * and the signature below it. Rule-based, line by line; tested on the reply
 * corpus (clients in many languages, English and Russian quote headers).
 * When nothing would be left, newPart returns the text as it was and
 * replyPart returns nothing.
 */

/** Words that end a quote header in many languages ("On … wrote:", "… пишет:", …). */
const WROTE =
  '(?:wrote|writes|пишет|написал|написала|написал\\(а\\)|schrieb|a écrit|escribió|escreveu|schreef|geschreven|ha scritto|skrev|napisał|napisała|kirjoitti|írta|napsal|yazdı|写道|寫道)';
/** A header that starts with a date or the "On/Am/Le/El/Op/Em/Il/Den/W dniu" lead-in, when the last line carries no "wrote". */
const LEAD_IN = /^(?:-*\s*on|am|le|el|op|em|il|den|w dniu|dne|в|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\s+\S+\.?\s+\d{4})\b/i;
const GMAIL_ISO_HEADER = /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} GMT[+-]\d{2}:\d{2} \S/;
/** "-----Original Message-----", "---------- Forwarded message ---------", "----- Исходное сообщение -----" … */
const ORIGINAL_MESSAGE =
  /^\s*\*?-{2,}\s*(?:original message|forwarded message|mensaje original|message d'origine|ursprüngliche nachricht|originalnachricht|oorspronkelijk bericht|mensagem original|исходное сообщение|пересылаемое сообщение|перенаправленное сообщение|original meddelande|opprinnelig melding|wiadomość oryginalna)\s*-{2,}\s*\*?\s*$/i;
/** What phones append: "Sent from my iPhone", "Отправлено с iPhone", "Sendt fra min iPad" … */
const MOBILE_SIGNATURE =
  /^\s*(?:sent from my|sent from|sendt fra min|skickat från min|von meinem .* gesendet|envoyé de mon|enviado desde mi|enviado do meu|inviato da|отправлено с|отправлено из|получено с)(?=\s|$).{0,40}$/i;
/** "From:" / "От:" / "Von:" / "Da:" … followed closely by "Sent:"/"Date:"/"Отправлено:"…: an Outlook-style header block. */
const FROM_FIELD = /^\s*\*?(?:from|от|von|de|da|van|fra|från|od|lähettäjä)\s*:\*?\s/i;
const SENT_FIELD = /^\s*\*?(?:sent|date|отправлено|дата|gesendet|datum|envoyé|date d'envoi|enviado|fecha|data|verzonden|sendt|skickat|wysłano|lähetetty)\s*:\*?\s/i;
const UNDERSCORES = /^\s*_{10,}\s*$/;
const SIGNATURE = /^-- ?$/;
const DELIMITER = /^\s*(?:[-_=*#~+—ᐧ]{2,}|ᐧ)\s*$/;

export function newPart(text: string): string {
  return ownPart(text) ?? text.trim();
}

/**
 * The new part, or '' when there is none: for text that must never pass on
 * what it quotes (an engineer's answer, whose quote is our internal
 * notification). newPart keeps the whole text then, as a customer's mail
 * must never turn into nothing.
 */
export function replyPart(text: string): string {
  return ownPart(text) ?? '';
}

/** What the writer typed, or null when nothing but quoted history is found. */
function ownPart(text: string): string | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = firstBoundary(lines, 0);
  const above = tidy(lines.slice(0, cut));
  if (above) return above;
  // Nothing above the quote: the writer may have answered below it (bottom-posting).
  let end = cut;
  while (end < lines.length && !/^\s*>/.test(lines[end])) end++; // the rest of the header
  const quoted = end;
  while (end < lines.length && (lines[end].trim() === '' || /^\s*>/.test(lines[end]))) end++;
  const below = end > quoted && end < lines.length ? tidy(lines.slice(end, firstBoundary(lines, end))) : '';
  return below || null;
}

/** Drops trailing quoted lines (">"), blank lines and bare delimiters. */
function tidy(lines: string[]): string {
  const kept = [...lines];
  const junk = (l: string) => /^\s*>/.test(l) || l.trim() === '' || DELIMITER.test(l) || MOBILE_SIGNATURE.test(l);
  while (kept.length > 0 && junk(kept.at(-1)!)) kept.pop();
  return kept.join('\n').trim();
}

function firstBoundary(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (SIGNATURE.test(line)) return i;
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (UNDERSCORES.test(line) && FROM_FIELD.test(lines[i + 1] ?? '')) return i;
    if (FROM_FIELD.test(line) && lines.slice(i + 1, i + 6).some((l) => SENT_FIELD.test(l))) return i;
    if (GMAIL_ISO_HEADER.test(line)) return i;
    if (quoteHeaderAt(lines, i)) return i;
  }
  return lines.length;
}

/**
 * A quote header starting at line i: up to four lines without a blank
 * ("On Mon, … <a@b>\nwrote:", "Max <m@x> schrieb am Fr., 28.\nApr. 2017 um 11:53 Uhr:",
 * "20 окт. 2016 г. 19:37 пользователь … написал:"), or an "On <date> …" line
 * whose "wrote:" comes a few lines later.
 */
function quoteHeaderAt(lines: string[], i: number): boolean {
  const first = lines[i].trim();
  if (first === '' || first.startsWith('>')) return false;
  if (DATED_ADDRESS.test(first) || DATE_ADDRESS_COLON.test(first)) return true;
  // A header starts with a lead-in or a date, or names the writer's address.
  if (!LEAD_IN.test(first) && !/<|@[\w-]+\./.test(first) && !WROTE_WORD.test(first)) return false;
  let joined = '';
  for (let n = 0; n < 4 && i + n < lines.length; n++) {
    const l = lines[i + n].trim();
    if (n > 0 && (l === '' || (l.startsWith('>') && !/^>\s*wrote/i.test(l)))) break;
    joined = `${joined} ${l}`.trim();
    if (looksLikeHeader(joined, first)) return true;
  }
  // "On <date> …" whose "wrote:" comes a few lines on, past blank lines or a broken "<address\n>" fold.
  if (LEAD_IN.test(first) && /\d/.test(first)) {
    const window = lines.slice(i, i + 7).map((l) => l.trim());
    return window.join(' ').length < 400 && WROTE_WORD.test(window.join(' ')) && window.some((l) => /[:：]$/.test(l));
  }
  return false;
}

const WROTE_WORD = new RegExp(`(?:^|[\\s"'>,])${WROTE}(?=[\\s:：,-]|$)`, 'i');
/** "2013/7/20 sam via Discourse Meta <info@discourse.org>" (quote header without "wrote"). */
const DATED_ADDRESS = /^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b.*<[^<>\s]+@[^<>\s]+>\s*:?\s*$/;

/** Mail.ru / Yandex: "Thu, 26 Jun 2014 14:00:51 +0400 от Alexander L <abc@example.com>:", "26.06.2014, 14:41, "Alexander L" <abc@example.com>:" */
const DATE_ADDRESS_COLON = /^(?=.{0,200}$)(?=.*(?:\b\d{4}\b|\d{1,2}\.\d{1,2}\.\d{2,4})).*(?:<[^<>\s]+@[^<>]+>|\s[^\s<>]+@[\w.-]+\.\w+)\s*[:：]$/;

function looksLikeHeader(joined: string, first: string): boolean {
  if (joined.length > 400 || !WROTE_WORD.test(joined)) return false;
  const ends = /[:：]\s*$/.test(joined) || /wrote\s*-*\s*$/i.test(joined);
  const dated = /\d/.test(joined);
  const addressed = /<[^>]*@|@[\w-]+\.\w/.test(joined);
  return ends && (dated || addressed) && (LEAD_IN.test(first) || addressed || /^[-\s]*on\b/i.test(first) || dated);
}
