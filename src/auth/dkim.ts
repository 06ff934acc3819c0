import { dkimVerify } from 'mailauth';

/** A DNS TXT lookup as mailauth calls it; tests hand in a stub, the daemon uses the system's DNS. */
export type Resolver = (name: string, type: string) => Promise<unknown>;

/** The fields of one of mailauth's results that we read (its typings leave most of them out). */
interface Signature {
  signingDomain?: string;
  status?: { result?: string; underSized?: number };
  /** The header fields the signature really covers, as "From: To: Subject". */
  signingHeaders?: { keys?: string };
  /** Set when the signature has l=: then the canonical body's bytes hashed, in all, and the limit. */
  canonBodyLengthLimited?: boolean;
  canonBodyLength?: number;
  canonBodyLengthTotal?: number;
  canonBodyLengthLimit?: number;
}

/**
 * The domains (d=) of the DKIM signatures on this message that vouch for it
 * whole (mailauth verifies them): each must verify, sign the From field,
 * sign the whole body, and sign each header by which a reply finds its
 * request (Subject, In-Reply-To, References) that the message has: else any
 * mail the engineer ever signed, to anyone, could be given a request's
 * In-Reply-To and replayed as their command on it. Whether a domain is the
 * sender's is the caller's question. An unsigned message costs no DNS lookup.
 */
export async function dkimPassDomains(raw: Buffer, resolver?: Resolver): Promise<string[]> {
  const head = raw.subarray(0, headerEnd(raw)).toString('latin1');
  if (!/^dkim-signature:/im.test(head)) return [];
  const res = await dkimVerify(raw, resolver ? { resolver: resolver as never } : {});
  const threading = THREADING.filter((name) => new RegExp(`^${name}[ \\t]*:`, 'im').test(head));
  return ((res.results ?? []) as Signature[]).filter((r) => vouchesForAll(r, threading)).map((r) => r.signingDomain!.toLowerCase());
}

/** The headers by which a reply finds its request (the number in the subject, the Message-IDs it answers). */
const THREADING = ['subject', 'in-reply-to', 'references'];

function vouchesForAll(r: Signature, threading: readonly string[]): boolean {
  if (r.status?.result !== 'pass' || !r.signingDomain) return false;
  // h= without From: anyone may write any From over it.
  const signed = (r.signingHeaders?.keys ?? '').split(':').map((k) => k.trim().toLowerCase());
  if (!signed.includes('from')) return false;
  // A threading header the signature leaves out was perhaps added to a signed mail from elsewhere.
  if (threading.some((name) => !signed.includes(name))) return false;
  // l= shorter than the body: what follows (an appended MIME part) is nobody's word (mailauth: underSized).
  if (r.canonBodyLengthLimited) return !r.status.underSized && r.canonBodyLength === r.canonBodyLengthTotal && r.canonBodyLengthLimit === r.canonBodyLengthTotal;
  return true;
}

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}
