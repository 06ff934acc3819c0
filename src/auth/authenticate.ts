import type { Secret } from '../config/secret';
import type { ParsedEmail } from '../mail/parse';
import { verifyReplyToken } from './token';

export type AuthResult = { ok: true; method: 'token' | 'authentication-results' } | { ok: false; reason: string };

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
export function authenticateEngineer(mail: ParsedEmail, ticketNumber: string, o: AuthOptions): AuthResult {
  const from = mail.from?.address ?? '';
  const recipients = [...mail.to, ...mail.cc].map((a) => a.address);
  for (const h of ['delivered-to', 'x-original-to', 'envelope-to']) recipients.push(...(mail.headers.get(h) ?? []).map((v) => v.replace(/[<>\s]/g, '')));
  if (o.secret && verifyReplyToken(o.secret, recipients, from) === ticketNumber) return { ok: true, method: 'token' };
  if (o.trustedAuthservId && authResultsPass(mail, from, o.trustedAuthservId)) return { ok: true, method: 'authentication-results' };
  return {
    ok: false,
    reason: o.trustedAuthservId
      ? `no valid reply token for ${ticketNumber} and no DKIM/DMARC pass for ${from.split('@')[1] ?? '?'} from ${o.trustedAuthservId}`
      : `no valid reply token for ${ticketNumber} (reply to the notification's address, or configure security.trusted_authserv_id)`,
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
