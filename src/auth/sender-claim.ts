import type { ParsedEmail } from '../mail/parse';
import { headerValues, trustedAuthResults } from './auth-results';
import { normalDomain } from './domains';

/**
 * Why a customer's From is not to be believed, or null. A customer has no
 * token and no listed domain, so their From is taken as it is, unless our
 * own receiving server says the domain's owner disowns it: a dmarc=fail for
 * exactly that From domain in the topmost Authentication-Results with our
 * authserv-id. Two From headers are no sender at all. Such a mail is still
 * processed, but as a stranger's: it joins no request and learns nothing.
 */
export function disownedSender(mail: Pick<ParsedEmail, 'from' | 'headers'>, trustedAuthservId: string | undefined): string | null {
  if ((mail.headers.get('from')?.length ?? 0) > 1) return 'the message has more than one From header';
  const { domain, results } = dmarcOfFrom(mail, trustedAuthservId);
  return results.includes('fail') ? `${trustedAuthservId} found dmarc=fail for ${domain}: the domain's owner does not vouch for this From` : null;
}

/**
 * Whether our own receiving server vouches for a customer's From: dmarc=pass
 * for exactly that From domain in the topmost Authentication-Results with our
 * authserv-id (one From header only). Without a trusted authserv-id, never.
 */
export function vouchedSender(mail: Pick<ParsedEmail, 'from' | 'headers'>, trustedAuthservId: string | undefined): boolean {
  return (mail.headers.get('from')?.length ?? 0) === 1 && dmarcOfFrom(mail, trustedAuthservId).results.includes('pass');
}

/** The dmarc results our server's topmost Authentication-Results gives for exactly the From's domain (none without a trusted id). */
function dmarcOfFrom(mail: Pick<ParsedEmail, 'from' | 'headers'>, trustedAuthservId: string | undefined): { domain: string; results: string[] } {
  const domain = normalDomain(mail.from?.address.split('@')[1] ?? '');
  const ar = domain && trustedAuthservId ? trustedAuthResults(mail.headers, trustedAuthservId) : null;
  const results = (ar?.results ?? []).filter((r) => r.method === 'dmarc' && headerValues(r, 'from').some((f) => normalDomain(f) === domain)).map((r) => r.result);
  return { domain, results };
}
