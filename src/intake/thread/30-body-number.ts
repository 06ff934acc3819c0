import { isParticipant, ticketByNumber } from './participants';
import type { ThreadCheck } from './types';

/** A number in the body (e.g. in the quoted registration reply), from someone on that request. */
export const bodyNumber: ThreadCheck = {
  name: 'body-number',
  find({ db, mail, numbering, isEngineer }) {
    const global = new RegExp(numbering.pattern.source, 'gi');
    for (const m of mail.text.matchAll(global)) {
      const t = ticketByNumber(db, m[0].toUpperCase());
      if (t && isParticipant(db, t.id, mail.from?.address, isEngineer)) return { ticketId: t.id, number: t.number, via: 'body-number' };
    }
    return null;
  },
};
