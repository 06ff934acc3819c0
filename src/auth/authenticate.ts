import type { Secret } from '../config/secret';
import type { ParsedEmail } from '../mail/parse';
import { headerValues, trustedAuthResults } from './auth-results';
import { aligned, normalDomain } from './domains';
import { duplicatedHeaders } from './duplicates';
import { verifyForwardAddress, verifyReplyToken } from './token';

export type AuthMethod = 'token' | 'dkim' | 'authentication-results';
/** The proofs an engineer's mail may carry when their config names none. */
export const ANY_PROOF: readonly AuthMethod[] = ['token', 'dkim', 'authentication-results'];
export type AuthResult = { ok: true; method: AuthMethod } | { ok: false; reason: string };

export interface AuthOptions {
  secret: Secret | undefined;
  /** Trust "dkim=pass"/"dmarc=pass" in the topmost Authentication-Results (the one our receiving server added), and only with this authserv-id. */
  trustedAuthservId: string | undefined;
}

/**
 * Is this mail really from the listed engineer it claims to be from? A From
 * header proves nothing: it must carry the engineer's signed reply address for
 * this request, a DKIM signature of the sender's domain that covers From and
 * the whole body, or a DKIM/DMARC pass for that domain stamped by our own mail
 * server. A message with two of a header that may occur once gets none of
 * these: what was verified and what we read may not be the same.
 */
export function authenticateEngineer(
  mail: ParsedEmail,
  ticketNumber: string,
  o: AuthOptions & { dkimPass: readonly string[]; accept: readonly AuthMethod[] },
): AuthResult {
  const signed = (recipients: string[], from: string) => !!o.secret && verifyReplyToken(o.secret, recipients, from) === ticketNumber;
  return prove(mail, o, signed, `a valid reply token for ${ticketNumber}`);
}

/**
 * Is this forward really the listed engineer's? The same proofs as for a
 * command (DKIM, our server's Authentication-Results), but the signed
 * address is the engineer's forwarding address for this mailbox
 * (support+f.<signature>@…), which the `token` proof stands for.
 */
export function authenticateForward(
  mail: ParsedEmail,
  o: AuthOptions & { dkimPass: readonly string[]; accept: readonly AuthMethod[]; mailboxAddresses: readonly string[] },
): AuthResult {
  const signed = (recipients: string[], from: string) => !!o.secret && verifyForwardAddress(o.secret, recipients, from, o.mailboxAddresses);
  return prove(mail, o, signed, 'their signed forwarding address');
}

/** Everyone the mail says it went to: To, Cc and the delivery headers, where a signed address of ours may be. */
export function recipientsOf(mail: Pick<ParsedEmail, 'to' | 'cc' | 'headers'>): string[] {
  const recipients = [...mail.to, ...mail.cc].map((a) => a.address);
  for (const h of ['delivered-to', 'x-original-to', 'envelope-to']) recipients.push(...(mail.headers.get(h) ?? []).map((v) => v.replace(/[<>\s]/g, '')));
  return recipients;
}

function prove(
  mail: ParsedEmail,
  o: AuthOptions & { dkimPass: readonly string[]; accept: readonly AuthMethod[] },
  signedAddress: (recipients: string[], from: string) => boolean,
  signedName: string,
): AuthResult {
  const from = mail.from?.address ?? '';
  const domain = normalDomain(from.split('@')[1] ?? '');
  const twice = duplicatedHeaders(mail.headers);
  if (twice.length > 0) {
    return { ok: false, reason: `the message has more than one ${twice.join(', ')} header: what a signature vouches for and what the desk would read can differ, so no proof counts` };
  }
  const ok = (method: AuthMethod): AuthResult | null => (o.accept.includes(method) ? { ok: true, method } : null);
  if (signedAddress(recipientsOf(mail), from)) {
    const r = ok('token');
    if (r) return r;
  }
  if (domain && o.dkimPass.some((d) => aligned(d, domain))) {
    const r = ok('dkim');
    if (r) return r;
  }
  if (domain && o.trustedAuthservId && authResultsPass(mail, domain, o.trustedAuthservId)) {
    const r = ok('authentication-results');
    if (r) return r;
  }
  return {
    ok: false,
    reason: `no accepted proof that ${from} sent it (accepted for this engineer: ${o.accept.join(', ')}; ${signedName}${o.accept.includes('dkim') ? `, a DKIM signature of ${domain || '?'} covering From and the whole body` : ''}${o.trustedAuthservId ? `, a pass for ${domain || '?'} in the topmost Authentication-Results, from ${o.trustedAuthservId}` : ''})`,
  };
}

/**
 * Our receiving server's verdict (trustedAuthResults: the topmost header,
 * with our authserv-id). A dkim pass counts when its header.d (and header.i,
 * if given) is aligned with the From domain; a dmarc pass when its
 * header.from is the From domain.
 */
function authResultsPass(mail: ParsedEmail, domain: string, authservId: string): boolean {
  const ar = trustedAuthResults(mail.headers, authservId);
  if (!ar) return false;
  return ar.results.some((r) => {
    if (r.result !== 'pass') return false;
    const values = (property: string) => headerValues(r, property);
    if (r.method === 'dkim') {
      const ds = values('d');
      const is = values('i').map((i) => (i.includes('@') ? i.slice(i.lastIndexOf('@') + 1) : ''));
      const claimed = [...ds, ...is];
      return claimed.length > 0 && claimed.every((d) => aligned(d, domain));
    }
    if (r.method === 'dmarc') {
      const froms = values('from');
      return froms.length > 0 && froms.every((f) => normalDomain(f) === domain);
    }
    return false;
  });
}
