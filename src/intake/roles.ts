import { domainToASCII } from 'node:url';
import { normalDomain } from '../auth/domains';

/**
 * Who an address is to the desk. Our own addresses (every mailbox's, with any
 * "+tag", as our reply-token addresses have) are never a person on a request:
 * the desk's address is in the To of every customer's mail, and a From of it
 * from outside is forged (our own mail comes back with our loop header).
 * Engineers are people of the desk: they may write into any request, and the
 * desk authenticates what they ask.
 */
export interface Roles {
  isOwn(address: string): boolean;
  isEngineer(address: string): boolean;
}

export function deskRoles(ownAddresses: readonly string[], isEngineer: (address: string) => boolean): Roles {
  const own = new Set(ownAddresses.map(normalAddress));
  return {
    isOwn: (address) => {
      const a = normalAddress(address);
      return own.has(a) || own.has(a.replace(/\+[^@]*@/, '@'));
    },
    isEngineer: (address) => isEngineer(address.toLowerCase()),
  };
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
