import { dkimVerify } from 'mailauth';

/** A DNS TXT lookup as mailauth calls it; tests hand in a stub, the daemon uses the system's DNS. */
export type Resolver = (name: string, type: string) => Promise<unknown>;

/**
 * The domains whose DKIM signatures on this message verify (mailauth).
 * An unsigned message costs no DNS lookup.
 */
export async function dkimPassDomains(raw: Buffer, resolver?: Resolver): Promise<string[]> {
  if (!/^dkim-signature:/im.test(raw.subarray(0, headerEnd(raw)).toString('latin1'))) return [];
  const res = await dkimVerify(raw, resolver ? { resolver: resolver as never } : {});
  return (res.results ?? [])
    .filter((r: { status?: { result?: string }; signingDomain?: string }) => r.status?.result === 'pass' && r.signingDomain)
    .map((r: { signingDomain?: string }) => r.signingDomain!.toLowerCase());
}

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}
