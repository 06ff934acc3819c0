import type { Address } from './email';
import { parseLooseDate } from './forward-date';

/** Which client's inline forward block it is; `attached` for a message/rfc822 part. */
export type ForwardClient = 'gmail' | 'outlook' | 'thunderbird' | 'apple' | 'yandex' | 'mailru' | 'attached' | 'message';

/** The forwarded mail, as its header block (or its own headers) tells it. */
export interface Original {
  from: Address | null;
  date: Date | null;
  subject: string;
  to: Address[];
  cc: Address[];
  text: string;
}

/** An inline forward: the forwarder's own text above the block, and the original below it. */
export interface InlineForward {
  client: ForwardClient;
  own: string;
  original: Original;
}

/**
 * The first line of each client's block. Only Apple Mail quotes its block
 * ("> Begin forwarded message:"); any other marker behind a quote is a
 * forward somebody else made, quoted in a reply, and is not read.
 */
const MARKERS: readonly { client: ForwardClient; line: RegExp; quoted?: boolean; header?: boolean }[] = [
  { client: 'gmail', line: /^-{5,}\s*Forwarded message\s*-{5,}$/ },
  { client: 'thunderbird', line: /^-{5,}\s*Forwarded Message\s*-{5,}$/ },
  { client: 'outlook', line: /^-{3,}\s*(Original Message|Исходное сообщение)\s*-{3,}$/i },
  { client: 'apple', line: /^(Begin forwarded message|Начало переадресованного сообщения):$/i, quoted: true },
  { client: 'yandex', line: /^-{5,}\s*Пересылаемое сообщение\s*-{5,}$/i },
  // No rule line, the header block alone: Outlook's "From: … [mailto:…]" then "Sent: …"; or an attached
  // message whose disposition is inline, which the parser shows as "From: … Subject: … Date: …" in the text ('message').
  { client: 'outlook', line: /^(From|От):\s*\S/, header: true },
];

const END = /^-{5,}\s*(Конец пересылаемого сообщения|End of forwarded message)\s*-{5,}$/i;

const KEYS: Record<string, keyof Omit<Original, 'text'>> = {
  from: 'from',
  от: 'from',
  'от кого': 'from',
  date: 'date',
  sent: 'date',
  дата: 'date',
  отправлено: 'date',
  subject: 'subject',
  тема: 'subject',
  to: 'to',
  кому: 'to',
  cc: 'cc',
  копия: 'cc',
};
const HEADER = /^\*?([A-Za-zА-Яа-яЁё-]+(?: [а-яё]+)?)\*?:\s*(.*)$/;
const IGNORED = /^(reply-to|ответить|importance|важность|attachments|вложения)$/i;
/** Yandex's one line: "20.11.2026, 12:30, "Иван Петров" <ivan@customer.test>:". */
const YANDEX_LINE = /^(\d{1,2}\.\d{1,2}\.\d{4},?\s+\d{1,2}:\d{2}),\s*(.+?):\s*$/;

/** The inline forward in a mail's text, or null when it has none. */
export function inlineForward(text: string, timeZone: string): InlineForward | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const depth = quoteDepth(lines[i]);
    const line = unquote(lines[i], depth).trim();
    const m = MARKERS.find((x) => x.line.test(line) && (depth === 0 || x.quoted));
    if (!m) continue;
    const next = m.header ? headerKeys(lines.slice(i + 1, i + 5).map((l) => unquote(l, depth).trim())) : [];
    if (m.header && !next.some((k) => /^(sent|отправлено|date|дата|subject|тема)$/.test(k))) continue;
    const block = lines.slice(m.header ? i : i + 1).map((l) => unquote(l, depth));
    const original = readBlock(block, timeZone);
    if (!original) continue;
    const client: ForwardClient = m.client === 'yandex' && original.mailru ? 'mailru' : m.header && !next.some((k) => /^(sent|отправлено)$/.test(k)) ? 'message' : m.client;
    return { client, own: lines.slice(0, i).join('\n').trim(), original: original.original };
  }
  return null;
}

/** The header names (lower case) of the consecutive header lines these lines start with. */
function headerKeys(lines: string[]): string[] {
  const keys: string[] = [];
  for (const l of lines) {
    const h = HEADER.exec(l);
    if (!h) break;
    keys.push(h[1].toLowerCase());
  }
  return keys;
}

function readBlock(lines: string[], timeZone: string): { original: Original; mailru: boolean } | null {
  const o: Original = { from: null, date: null, subject: '', to: [], cc: [], text: '' };
  let i = 0;
  while (i < lines.length && !lines[i].trim()) i++;
  let mailru = false;
  const yandex = YANDEX_LINE.exec(lines[i]?.trim() ?? '');
  if (yandex) {
    o.date = parseLooseDate(yandex[1], timeZone);
    o.from = parseAddress(yandex[2]);
    i++;
  } else {
    for (; i < lines.length; i++) {
      const h = HEADER.exec(lines[i].trim());
      if (!h) break;
      const key = KEYS[h[1].toLowerCase()];
      if (!key) {
        if (IGNORED.test(h[1])) continue;
        break;
      }
      if (h[1].toLowerCase() === 'от кого') mailru = true;
      if (key === 'from') o.from = parseAddress(h[2]);
      else if (key === 'date') o.date = parseLooseDate(h[2], timeZone);
      else if (key === 'subject') o.subject = h[2].trim();
      else o[key] = h[2].split(/[;,](?![^<]*>)/).map(parseAddress).filter((a): a is Address => a !== null);
    }
  }
  if (!o.from) return null;
  const body: string[] = [];
  for (const l of lines.slice(i)) {
    if (END.test(l.trim())) break;
    body.push(l);
  }
  o.text = body.join('\n').trim();
  return { original: o, mailru };
}

/** "Foo <foo@x>", "\"bob@x\" <bob@x>", "Dan [mailto:dan@x]", "dan@x": the address (lower case) and the name. */
export function parseAddress(value: string): Address | null {
  const v = value.trim();
  const angle = /<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(v) ?? /\[mailto:([^\]\s]+@[^\]\s]+)\]/i.exec(v);
  const address = (angle?.[1] ?? /[^\s<>"'[\](),;:]+@[^\s<>"'[\](),;:]+/.exec(v)?.[0])?.toLowerCase();
  if (!address) return null;
  const raw = angle ? v.slice(0, angle.index) : '';
  const name = raw.trim().replace(/^"(.*)"$/, '$1').trim();
  return { address, name: name.toLowerCase() === address ? '' : name };
}

function quoteDepth(line: string): number {
  return /^(\s*>)*/.exec(line)![0].replace(/\s/g, '').length;
}

function unquote(line: string, depth: number): string {
  let l = line;
  for (let d = 0; d < depth; d++) l = l.replace(/^\s*> ?/, '');
  return l;
}
