import { getDomain } from 'tldts';
import { normalDomain } from '../mail/address';

/** Lower case, without the root's trailing dot: the form domains are compared in (mail/address owns it). */
export { normalDomain };

/**
 * The organisational domain (RFC 7489 3.2): the public suffix (from the
 * Public Suffix List, via tldts, private entries included so that two
 * customers of one hosting suffix are not one organisation) and one label
 * more. Null for a public suffix itself or an IP address.
 */
export function organisationalDomain(domain: string): string | null {
  return getDomain(normalDomain(domain), { allowPrivateDomains: true, extractHostname: false });
}

/**
 * DMARC's relaxed alignment: the same domain, or the same organisational
 * domain (mail.corp.example and corp.example). Compared whole, never by a
 * prefix: corp.example.evil.example belongs to evil.example.
 */
export function aligned(a: string, b: string): boolean {
  const x = normalDomain(a);
  const y = normalDomain(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const org = organisationalDomain(x);
  return org !== null && org === organisationalDomain(y);
}
