/**
 * One Authentication-Results header field (RFC 8601), read into its parts.
 *
 * Why our own parser: npm has no maintained parser of this header, and
 * mailauth's (lib/parse-dkim-headers.js) is internal to it, keeps only the
 * last result of each method but dkim, and by its own note fails on nested
 * comments. This one follows the RFC's grammar (section 2.2) and gives up on
 * what it cannot read whole: a header half understood proves nothing.
 */
export interface AuthResultsHeader {
  /** Who made the checks (compared case-insensitively by the caller). */
  authservId: string;
  version: number | null;
  /** Empty for "authserv-id; none". */
  results: MethodResult[];
}

export interface MethodResult {
  /** Lower case: "dkim", "dmarc", "spf", … */
  method: string;
  methodVersion: number | null;
  /** Lower case: "pass", "fail", "none", … */
  result: string;
  reason: string | null;
  /** In order; ptype and property lower case, value as written (quotes removed). */
  props: { ptype: string; property: string; value: string }[];
}

/** The header's parts; null when it does not follow RFC 8601. */
export function parseAuthResults(value: string): AuthResultsHeader | null {
  try {
    return payload(new Reader(value));
  } catch (err) {
    if (err instanceof Malformed) return null;
    throw err;
  }
}

/**
 * Our receiving server's verdict, or null: the topmost Authentication-Results
 * (the last one added, by the server that delivered to us), and only when it
 * carries our authserv-id. Any header below it came with the message.
 */
export function trustedAuthResults(headers: ReadonlyMap<string, readonly string[]>, authservId: string): AuthResultsHeader | null {
  const top = headers.get('authentication-results')?.[0];
  const ar = top === undefined ? null : parseAuthResults(top);
  return ar && ar.authservId.toLowerCase() === authservId.toLowerCase() ? ar : null;
}

/** The values of one result's header.<property> (header.d, header.i, header.from). */
export function headerValues(r: MethodResult, property: string): string[] {
  return r.props.filter((p) => p.ptype === 'header' && p.property === property).map((p) => p.value);
}

class Malformed extends Error {}

// authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]
function payload(r: Reader): AuthResultsHeader {
  r.cfws();
  const authservId = r.value();
  r.cfws();
  const v = r.match(/\d+/y);
  const version = v === null ? null : Number(v);
  r.cfws();
  if (r.done) throw new Malformed('no result');
  const results: MethodResult[] = [];
  while (!r.done) {
    r.expect(';');
    r.cfws();
    if (r.done && results.length > 0) break; // a trailing ";", as some servers write
    const method = r.keyword();
    r.cfws();
    if (method === 'none' && results.length === 0 && r.done) break; // no-result
    results.push(resinfo(r, method));
  }
  return { authservId, version, results };
}

// resinfo = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
function resinfo(r: Reader, method: string): MethodResult {
  let methodVersion: number | null = null;
  if (r.peek() === '/') {
    r.skip();
    r.cfws();
    const v = r.match(/\d+/y);
    if (v === null) throw new Malformed('method version');
    methodVersion = Number(v);
    r.cfws();
  }
  r.expect('=');
  r.cfws();
  const result = r.keyword();
  const out: MethodResult = { method, methodVersion, result, reason: null, props: [] };
  for (;;) {
    r.cfws();
    if (r.done || r.peek() === ';') return out;
    const word = r.keyword();
    r.cfws();
    if (word === 'reason' && r.peek() === '=' && out.reason === null) {
      r.skip();
      r.cfws();
      out.reason = r.value();
      continue;
    }
    // propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
    r.expect('.');
    r.cfws();
    const property = r.keyword();
    r.cfws();
    r.expect('=');
    r.cfws();
    out.props.push({ ptype: word, property, value: r.pvalue() });
  }
}

/** A cursor over the (unfolded) header value. */
class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string | undefined {
    return this.s[this.i];
  }

  skip(): void {
    this.i++;
  }

  expect(c: string): void {
    if (this.s[this.i] !== c) throw new Malformed(`expected "${c}" at ${this.i}`);
    this.i++;
  }

  /** The text matched by a sticky regex at the cursor, or null. */
  match(re: RegExp): string | null {
    re.lastIndex = this.i;
    const m = re.exec(this.s);
    if (!m) return null;
    this.i += m[0].length;
    return m[0];
  }

  /** White space and comments; comments nest and may hold quoted-pairs (RFC 5322 3.2.2). */
  cfws(): void {
    for (;;) {
      this.match(/\s+/y);
      if (this.peek() !== '(') return;
      let depth = 0;
      do {
        const c = this.s[this.i++];
        if (c === undefined) throw new Malformed('unterminated comment');
        if (c === '\\') this.i++;
        else if (c === '(') depth++;
        else if (c === ')') depth--;
      } while (depth > 0);
    }
  }

  /** RFC 5321 Keyword (letters, digits, hyphens), lower-cased: methods, results, ptypes and properties compare so. */
  keyword(): string {
    const k = this.match(/[A-Za-z0-9][A-Za-z0-9_-]*/y);
    if (k === null) throw new Malformed(`keyword expected at ${this.i}`);
    return k.toLowerCase();
  }

  /** RFC 2045 value: a token or a quoted-string. */
  value(): string {
    if (this.peek() === '"') return this.quoted();
    const t = this.match(/[^\x00-\x20\x7f()<>@,;:\\"/[\]?=]+/y);
    if (t === null) throw new Malformed(`value expected at ${this.i}`);
    return t;
  }

  /**
   * A property's value: a value, or [local-part] "@" domain. Read up to the
   * next space, ";" or comment, since servers write unquoted header.b values
   * with "/" and "=" in them; callers compare what they use exactly.
   */
  pvalue(): string {
    if (this.peek() === '"') return this.quoted();
    const t = this.match(/[^\s;()"]+/y);
    if (t === null) throw new Malformed(`property value expected at ${this.i}`);
    return t;
  }

  private quoted(): string {
    let out = '';
    this.i++; // the opening quote
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) throw new Malformed('unterminated quoted string');
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.s[this.i++];
        if (next === undefined) throw new Malformed('unterminated quoted pair');
        out += next;
      } else out += c;
    }
  }
}
