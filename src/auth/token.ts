import crypto from 'node:crypto';
import type { Secret } from '../config/secret';

/**
 * The reply address we give an engineer for one request:
 * support+t.<number>.<mac>@domain, where mac = HMAC-SHA256(secret, number + engineer).
 * Only that engineer's reply to that request carries a valid one, so it
 * authenticates the engineer's commands even where DKIM is missing.
 */
export function replyAddress(secret: Secret, supportAddress: string, ticketNumber: string, engineer: string): string {
  const [local, domain] = supportAddress.split('@');
  return `${local}+t.${ticketNumber.toLowerCase()}.${mac(secret, ticketNumber, engineer)}@${domain}`;
}

/** The request number of a valid token among the addresses, for this sender; null when none is valid. */
export function verifyReplyToken(secret: Secret, addresses: string[], sender: string): string | null {
  for (const a of addresses) {
    const m = /^[^@+]+\+t\.([^.@]+)\.([0-9a-f]{20})@/i.exec(a);
    if (!m) continue;
    const number = m[1].toUpperCase();
    const expected = Buffer.from(mac(secret, number, sender));
    const given = Buffer.from(m[2].toLowerCase());
    if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) return number;
  }
  return null;
}

function mac(secret: Secret, ticketNumber: string, engineer: string): string {
  return crypto.createHmac('sha256', secret.reveal()).update(`${ticketNumber.toUpperCase()}\n${engineer.toLowerCase()}`).digest('hex').slice(0, 20);
}

/**
 * An engineer's personal forwarding address for one mailbox:
 * support+f.<mac>@domain, mac = HMAC-SHA256(secret, "forward" NUL mailbox
 * address NUL engineer). A mail to it from that engineer proves the forward
 * is theirs. Its input can never be a reply token's (a request number has no
 * NUL), and each form is read only by its own pattern, so neither address
 * works as the other; a signature for another mailbox does not verify here.
 */
export function forwardAddress(secret: Secret, supportAddress: string, engineer: string): string {
  const [local, domain] = supportAddress.split('@');
  return `${local}+f.${forwardMac(secret, supportAddress, engineer)}@${domain}`;
}

/** Whether one of the addresses is this sender's forwarding address for one of the mailbox's own addresses. */
export function verifyForwardAddress(secret: Secret, addresses: string[], sender: string, mailboxAddresses: readonly string[]): boolean {
  const ours = new Set(mailboxAddresses.map((a) => a.toLowerCase()));
  for (const a of addresses) {
    const m = /^([^@+]+)\+f\.([0-9a-f]{20})@([^@\s]+)$/i.exec(a.trim());
    if (!m) continue;
    const base = `${m[1]}@${m[3]}`.toLowerCase();
    if (!ours.has(base)) continue;
    const expected = Buffer.from(forwardMac(secret, base, sender));
    const given = Buffer.from(m[2].toLowerCase());
    if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) return true;
  }
  return false;
}

function forwardMac(secret: Secret, supportAddress: string, engineer: string): string {
  return crypto.createHmac('sha256', secret.reveal()).update(`forward\0${supportAddress.toLowerCase()}\0${engineer.toLowerCase()}`).digest('hex').slice(0, 20);
}
