import { normalAddress } from '../mail/address';

export { normalAddress };

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
    isEngineer: (address) => isEngineer(address.toLowerCase()) || isEngineer(normalAddress(address)),
  };
}
