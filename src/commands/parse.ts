import type { Status } from '../ticket/status';
import { BIDI, compatibilityIn, foreignIn, invisibleIn, shown, skeleton, visible } from './lookalike';
import { ccChanges, requesterAddress, type CcChange, type PeopleContext } from './people';

/** Why work is suspended (DOMAIN.md: the reasons the regulations allow). */
export const WAIT_REASONS = [
  'customer_side',
  'third_party',
  'customer_action',
  'info_requested',
  'third_party_info',
  'customer_unreachable',
  'equipment_delivery',
  'other',
] as const;
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const TYPES = ['incident', 'service', 'change', 'problem', 'consultation'] as const;
const SETTABLE: readonly Status[] = ['in_progress', 'awaiting_info', 'suspended', 'resolved', 'closed'];
const P_ALIASES: Record<string, (typeof PRIORITIES)[number]> = { p1: 'critical', p2: 'high', p3: 'medium', p4: 'low' };

export type Command =
  | { name: 'status'; status: Status; source: string }
  | { name: 'wait'; why: (typeof WAIT_REASONS)[number]; comment: string; source: string }
  | { name: 'priority'; priority: (typeof PRIORITIES)[number]; source: string }
  | { name: 'type'; type: (typeof TYPES)[number]; source: string }
  | { name: 'assign'; engineer: string; source: string }
  | { name: 'escalate'; line: string; source: string }
  | { name: 'cc'; changes: CcChange[]; source: string }
  | { name: 'requester'; address: string; source: string }
  | { name: 'note'; source: string };

export interface Refusal {
  source: string;
  reason: string;
}

export interface ParsedCommands {
  commands: Command[];
  refused: Refusal[];
  /** What is left for the customer (empty with #note). */
  body: string;
  note: boolean;
}

export interface CommandContext extends PeopleContext {
  /** Listed engineers: address and name. */
  engineers: readonly { address: string; name: string }[];
  lines: readonly string[];
}

const NAMES = ['status', 'wait', 'priority', 'type', 'assign', 'escalate', 'cc', 'requester', 'note'] as const;
const KNOWN = `known: ${NAMES.map((n) => `#${n}`).join(', ')}`;

/**
 * Commands are "#word args" lines at the top of the reply's new part, or
 * "#word args" in the subject (not #cc and #requester: a customer's subject
 * that says "#cc" is carried by every reply, and would refuse them all).
 * Everything after the command lines is the text for the customer. Pure:
 * validates, applies nothing.
 *
 * Fail closed: a line that a reader takes for a command (its visible text
 * starts with "#") is a command line, and when it is not exactly a command
 * written plainly — unknown, "# note", an invisible character before or
 * inside it, full-width "＃note", a Cyrillic "о" in "#nоte" — it is refused,
 * and with it the whole message. Otherwise it would be relayed: the
 * engineer meant it for us, and it would reach the customer.
 *
 * A line further down, after the text has begun, that starts with "#" and
 * a word ("#note", "#VPN"), or "# " and a command word, refuses the message
 * too. The engineer who writes "Hello,\n#note they are difficult" meant a
 * note; read as text it would go to the customer, and the command would
 * silently not apply. Refusing costs the engineer one more mail (the
 * confirmation says what to move); guessing wrong leaks. A "#" before what
 * is no word ("#1") or before a word that is no command ("# Steps") stays
 * text: nobody takes it for a command.
 */
export function parseCommands(subject: string, text: string, ctx: CommandContext): ParsedCommands {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const seen = (l: string) => visible(l).trim();
  let i = 0;
  const sources: string[] = [];
  while (i < lines.length && seen(lines[i]) === '') i++;
  // A line drawn in another order than written (bidi controls) may show a "#" first: it counts as a command line, and is refused.
  while (i < lines.length && (seen(lines[i]).startsWith('#') || (BIDI.test(lines[i]) && seen(lines[i]).includes('#')))) sources.push(lines[i++].trim());
  for (const m of subject.matchAll(/#(status|wait|priority|type|assign|escalate|note)\b[^#]*/giu)) sources.unshift(m[0].trim());

  const commands: Command[] = [];
  const refused: Refusal[] = [];
  for (const source of sources) {
    const r = commandLine(source, ctx);
    if ('reason' in r) refused.push({ source: shown(r.source), reason: r.reason });
    else commands.push(r);
  }
  const disguised = subjectLookalikes(subject);
  if (disguised) refused.push({ source: shown(subject), reason: disguised });
  for (const line of lines.slice(i)) {
    if (commandLike(line)) refused.push({ source: shown(line.trim()), reason: 'a command after the text has begun is not applied: put commands at the top of your reply, before any text (to begin a line of text with it, reword the line)' });
  }
  const statusLike = commands.filter((c) => c.name === 'status' || c.name === 'wait');
  if (statusLike.length > 1) refused.push({ source: statusLike.map((c) => c.source).join(' + '), reason: 'more than one status change in one message' });
  const note = commands.some((c) => c.name === 'note');
  return { commands, refused, body: note ? '' : lines.slice(i).join('\n').trim(), note };
}

/** One command line, checked to be written plainly before it is read. */
function commandLine(source: string, ctx: CommandContext): Command | Refusal {
  const invisible = invisibleIn(source);
  if (invisible.length > 0) return { source, reason: `contains invisible characters (${invisible.join(', ')}): type the command again, plainly` };
  const head = /^\S*/.exec(source)![0];
  const compat = compatibilityIn(head);
  if (compat.length > 0) return { source, reason: `written with full-width or other compatibility characters (${compat.join(', ')}): type ${visible(head)} in plain letters` };
  if (/^#[A-Za-z]+$/.test(head)) return parseOne(source, ctx);
  const spaced = /^#\s+(\S+)/.exec(source);
  if (spaced) return { source, reason: `malformed: a space between # and the command${isName(spaced[1]) ? ` (write #${skeleton(spaced[1])})` : ''}` };
  if (head === '#') return { source, reason: `malformed: # with no command (${KNOWN})` };
  const word = head.slice(1).replace(/[^\p{L}\p{M}].*$/u, '');
  if (/^[A-Za-z]+$/.test(word)) return parseOne(source, ctx); // "#note:", "#status,": plain letters, read (or refused) there
  if (word && isName(word)) return { source, reason: `looks like #${skeleton(word)} but is written with look-alike letters (${foreignIn(word).join(', ')}): type it in Latin letters` };
  if (!word) return { source, reason: `not a command: a line at the top of a reply that begins with # is read as one (${KNOWN})` };
  return parseOne(source, ctx); // an unknown word: refused there, with the list
}

/** A line further down that a reader would take for a command: "#word", or "# word" when the word is (or looks like) a command's. */
function commandLike(line: string): boolean {
  if (BIDI.test(line) && visible(line).includes('#')) return true;
  const m = /^#(\s*)([\p{L}\p{M}]+)/u.exec(visible(line).trim());
  return !!m && (m[1] === '' || isName(m[2]));
}

/** A command word in the subject that the subject regex does not read: look-alike letters, an invisible character, "# note". */
function subjectLookalikes(subject: string): string | null {
  const plain = [...subject.matchAll(/#(status|wait|priority|type|assign|escalate|note)\b/giu)].length;
  const seen = [...skeleton(subject).matchAll(/#\s*(status|wait|priority|type|assign|escalate|note)(?![a-z])/gu)].length;
  return seen > plain ? 'the subject has a command that is not written plainly (look-alike or invisible characters, or a space after #): write it plainly, or take it out of the subject' : null;
}

function isName(word: string): boolean {
  return (NAMES as readonly string[]).includes(skeleton(word));
}

function parseOne(source: string, ctx: CommandContext): Command | Refusal {
  const m = /^#(\p{L}+)\s*(.*)$/u.exec(source);
  if (!m) return { source, reason: 'not a command' };
  const [, rawName, rest] = m;
  const name = rawName.toLowerCase();
  const arg = rest.trim();
  const word = arg.split(/\s+/)[0]?.toLowerCase() ?? '';
  const one = <T extends string>(list: readonly T[], what: string): T | Refusal =>
    (list as readonly string[]).includes(word) ? (word as T) : { source, reason: `${what} must be one of: ${list.join(', ')}` };
  switch (name) {
    case 'status': {
      const s = one(SETTABLE, 'status');
      return typeof s === 'string' ? { name, status: s, source } : s;
    }
    case 'wait': {
      const r = one(WAIT_REASONS, 'the reason');
      return typeof r === 'string' ? { name, why: r, comment: arg.slice(word.length).trim(), source } : r;
    }
    case 'priority': {
      const p = P_ALIASES[word] ?? word;
      return (PRIORITIES as readonly string[]).includes(p)
        ? { name, priority: p as (typeof PRIORITIES)[number], source }
        : { source, reason: `priority must be one of: ${PRIORITIES.join(', ')} (or P1–P4)` };
    }
    case 'type': {
      const t = one(TYPES, 'type');
      return typeof t === 'string' ? { name, type: t, source } : t;
    }
    case 'assign': {
      const e = ctx.engineers.find((x) => x.address === word || x.name.toLowerCase() === arg.toLowerCase());
      return e ? { name, engineer: e.address, source } : { source, reason: `no engineer "${arg}" (listed: ${ctx.engineers.map((x) => x.address).join(', ')})` };
    }
    case 'escalate': {
      const line = ctx.lines.find((l) => l.toLowerCase() === word);
      return line ? { name, line, source } : { source, reason: `no support line "${arg}" (lines: ${ctx.lines.join(', ')})` };
    }
    case 'cc': {
      const changes = ccChanges(arg, ctx);
      return typeof changes === 'string' ? { source, reason: changes } : { name, changes, source };
    }
    case 'requester': {
      const a = requesterAddress(arg, ctx);
      return typeof a === 'string' ? { name, address: a, source } : { source, ...a };
    }
    case 'note':
      return { name, source };
    default:
      return { source, reason: `unknown command #${rawName} (${KNOWN})` };
  }
}
