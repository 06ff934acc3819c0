/** The arguments of the commands about who is on a request: `#cc +a -b`, `#requester a`. Pure. */

export interface CcChange {
  add: boolean;
  address: string;
}

export interface PeopleContext {
  engineers: readonly { address: string }[];
  /** One of the desk's own addresses (with any +tag): never a person on a request. */
  isOwn?: (address: string) => boolean;
}

/** One address as written in a command: plain or in <>, one @, a dot in the domain, nothing that is not an address. */
function address(word: string): string | null {
  const a = word.replace(/^<(.*)>$/, '$1');
  return /^[^\s@<>,;"()]+@[^\s@<>,;"()]+\.[^\s@<>,;"().]+$/u.test(a) ? a : null;
}

/** Why the address cannot be a customer on a request, or null. */
function notCustomer(a: string, ctx: PeopleContext): string | null {
  if (ctx.isOwn?.(a)) return `${a} is an address of the desk itself`;
  if (ctx.engineers.some((e) => e.address.toLowerCase() === a.toLowerCase())) return `${a} is an engineer (engineers are on every request already)`;
  return null;
}

/** `#cc +alice@example.com -bob@example.com`: each address with + (copy them on the request's mail) or - (no more). */
export function ccChanges(arg: string, ctx: PeopleContext): CcChange[] | string {
  const words = arg.split(/\s+/).filter(Boolean);
  if (words.length === 0) return 'write #cc +address to add a participant, #cc -address to remove one';
  const changes: CcChange[] = [];
  for (const w of words) {
    const sign = w[0];
    const a = address(w.slice(1));
    if ((sign !== '+' && sign !== '-') || !a) return `"${w}" is not +address or -address`;
    const why = sign === '+' ? notCustomer(a, ctx) : null;
    if (why) return why;
    changes.push({ add: sign === '+', address: a });
  }
  return changes;
}

/** `#requester address`: the one the request's mail goes To from now on. */
export function requesterAddress(arg: string, ctx: PeopleContext): string | { reason: string } {
  const words = arg.split(/\s+/).filter(Boolean);
  const a = words.length === 1 ? address(words[0]) : null;
  if (!a) return { reason: 'write #requester address (one address)' };
  const why = notCustomer(a, ctx);
  return why ? { reason: why } : a;
}
