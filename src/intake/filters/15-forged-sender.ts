import { disownedSender } from '../../auth/sender-claim';
import { LOOP_HEADER } from '../../mail/automated';
import type { Filter } from '../types';

/**
 * A From of one of our own addresses, on mail that reached us from outside,
 * is forged: our own mail that comes back carries our loop header and is
 * caught as a loop first. Such a mail is kept, joins nothing, gets no answer.
 * A From our own server says its domain disowns is unproven: that mail is
 * processed as a stranger's.
 */
export const forgedSender: Filter = {
  name: 'forged-sender',
  run({ mail, roles, trustedAuthservId }) {
    const from = mail.from?.address;
    if (!from) return null;
    if (!roles.isOwn(from)) {
      const why = disownedSender(mail, trustedAuthservId);
      return why ? { filter: 'forged-sender', unproven: why } : null;
    }
    return { filter: 'forged-sender', forged: `From ${from} is one of the desk's own addresses, on mail without our ${LOOP_HEADER} header` };
  },
};
