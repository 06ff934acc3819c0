/**
 * The verdict of the spam filter in front of the desk, read from the headers
 * it adds. A header is a claim: anyone can write `X-Spam-Flag: YES` (or `NO`)
 * into their own mail, so these are read only when the admin says a filter of
 * theirs writes them (intake.spam.trusted), and then only the topmost
 * occurrence of each: a filter on the way in adds its header above the
 * sender's (and SpamAssassin and rspamd remove the sender's copies).
 */

/** One rule: the header, and what in its topmost value means spam. Exactly one of is, starts_with, above. */
export interface SpamRule {
  header: string;
  /** The whole value (trimmed, any case) is one of these. */
  is?: string[];
  /** The value starts with one of these as a word ("Yes, score=7.1 required=5.0" starts with "Yes"). */
  starts_with?: string[];
  /** The number the value starts with is above this ("7.1", "12.5 / 15.0"). */
  above?: number;
}

/** Which rule says spam, as "Header: value" (the value cut at 200 characters); null when none does. */
export function spamVerdict(headers: ReadonlyMap<string, readonly string[]>, rules: readonly SpamRule[]): string | null {
  for (const rule of rules) {
    const value = headers.get(rule.header.toLowerCase())?.[0]?.trim();
    if (value === undefined || !says(rule, value)) continue;
    return `${rule.header}: ${value.slice(0, 200)}`;
  }
  return null;
}

/** What may follow a word the value starts with ("Yes, score=…", "Yes (…)"), so that "Yesterday" does not start with "Yes". */
const WORD_END = /[\s,;(]/;

function says(rule: SpamRule, value: string): boolean {
  const v = value.toLowerCase();
  if (rule.is) return rule.is.some((x) => v === x.toLowerCase());
  if (rule.starts_with) return rule.starts_with.map((x) => x.toLowerCase()).some((x) => v.startsWith(x) && (v.length === x.length || WORD_END.test(v[x.length])));
  if (rule.above !== undefined) {
    const n = /^[+-]?\d+(?:\.\d+)?/.exec(v);
    return n !== null && Number(n[0]) > rule.above;
  }
  return false;
}
