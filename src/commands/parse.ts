import type { Status } from '../ticket/status';

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

export interface CommandContext {
  /** Listed engineers: address and name. */
  engineers: readonly { address: string; name: string }[];
  lines: readonly string[];
}

/**
 * Commands are "#word args" lines at the top of the reply's new part, or
 * "#word args" in the subject. Everything after the command lines is the
 * text for the customer. Pure: validates, applies nothing.
 */
export function parseCommands(subject: string, text: string, ctx: CommandContext): ParsedCommands {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  const sources: string[] = [];
  while (i < lines.length && lines[i].trim() === '') i++;
  while (i < lines.length && /^\s*#\p{L}/u.test(lines[i])) sources.push(lines[i++].trim());
  for (const m of subject.matchAll(/#(status|wait|priority|type|assign|escalate|note)\b[^#]*/giu)) sources.unshift(m[0].trim());

  const commands: Command[] = [];
  const refused: Refusal[] = [];
  for (const source of sources) {
    const r = parseOne(source, ctx);
    if ('reason' in r) refused.push(r);
    else commands.push(r);
  }
  const statusLike = commands.filter((c) => c.name === 'status' || c.name === 'wait');
  if (statusLike.length > 1) refused.push({ source: statusLike.map((c) => c.source).join(' + '), reason: 'more than one status change in one message' });
  const note = commands.some((c) => c.name === 'note');
  return { commands, refused, body: note ? '' : lines.slice(i).join('\n').trim(), note };
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
    case 'note':
      return { name, source };
    default:
      return { source, reason: `unknown command #${rawName} (known: #status, #wait, #priority, #type, #assign, #escalate, #note)` };
  }
}
