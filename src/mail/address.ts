import { domainToASCII } from 'node:url';

/** A domain as compared: trimmed, lower case, without a trailing dot. */
export function normalDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * One spelling of an address, for comparing: lower case, the domain in its
 * ASCII (punycode) form and without a trailing dot, so that
 * support@пример.рф, SUPPORT@xn--e1afmkfd.xn--p1ai. and the like are one.
 */
export function normalAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.toLowerCase();
  const domain = normalDomain(address.slice(at + 1));
  return `${address.slice(0, at).toLowerCase()}@${domainToASCII(domain) || domain}`;
}
