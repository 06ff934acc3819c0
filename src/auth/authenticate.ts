import type { Secret } from '../config/secret';
import type { ParsedEmail } from '../mail/parse';
import { verifyReplyToken } from './token';

export type AuthMethod = 'token' | 'dkim' | 'authentication-results';
export type AuthResult = { ok: true; method: AuthMethod } | { ok: false; reason: string };

export interface AuthOptions {
  secret: Secret | undefined;
  /** Trust "dkim=pass"/"dmarc=pass" in Authentication-Results headers added by this server only. */
  trustedAuthservId: string | undefined;
}

/**
 * Is this mail really from the listed engineer it claims to be from? A From
 * header proves nothing: it must carry the engineer's signed reply address for
 * this request, or a DKIM/DMARC pass for the sender's domain stamped by our
 * own mail server.
 */
export function authenticateEngineer(
  mail: ParsedEmail,
  ticketNumber: string,
  o: AuthOptions & { dkimPass: readonly string[]; accept: readonly AuthMethod[] },
): AuthResult {
  const from = mail.from?.address ?? '';
  const domain = from.split('@')[1]?.toLowerCase() ?? '';
  const recipients = [...mail.to, ...mail.cc].map((a) => a.address);
  for (const h of ['delivered-to', 'x-original-to', 'envelope-to']) recipients.push(...(mail.headers.get(h) ?? []).map((v) => v.replace(/[<>\s]/g, '')));
  const ok = (method: AuthMethod): AuthResult | null => (o.accept.includes(method) ? { ok: true, method } : null);
  if (o.secret && verifyReplyToken(o.secret, recipients, from) === ticketNumber) {
    const r = ok('token');
    if (r) return r;
  }
  if (domain && o.dkimPass.includes(domain)) {
    const r = ok('dkim');
    if (r) return r;
  }
  if (o.trustedAuthservId && authResultsPass(mail, from, o.trustedAuthservId)) {
    const r = ok('authentication-results');
    if (r) return r;
  }
  return {
    ok: false,
    reason: `no accepted proof that ${from} sent it (accepted for this engineer: ${o.accept.join(', ')}; a valid reply token for ${ticketNumber}${o.accept.includes('dkim') ? `, a DKIM signature of ${domain || '?'}` : ''}${o.trustedAuthservId ? `, an Authentication-Results pass from ${o.trustedAuthservId}` : ''})`,
  };
}

function authResultsPass(mail: ParsedEmail, from: string, authservId: string): boolean {
  const domain = from.split('@')[1]?.toLowerCase();
  if (!domain) return false;
  return (mail.headers.get('authentication-results') ?? []).some((h) => {
    const [id, ...rest] = h.split(';');
    if (id.trim().toLowerCase() !== authservId.toLowerCase()) return false;
    return rest.some((r) => {
      const s = r.trim().toLowerCase();
      return (
        (/^dkim=pass\b/.test(s) && new RegExp(`header\\.(?:d=|i=@)${escape(domain)}\\b`).test(s)) ||
        (/^dmarc=pass\b/.test(s) && new RegExp(`header\\.from=${escape(domain)}\\b`).test(s))
      );
    });
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
