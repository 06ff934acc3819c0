import { ticketByNumber } from '../../requests/read';
import type { ThreadCheck } from './types';

/** Numbers looked up in one body at most: a body full of numbers costs no more. */
const MAX_NUMBERS = 20;

/** A number in the body (e.g. in the quoted registration reply). */
export const bodyNumber: ThreadCheck = {
  name: 'body-number',
  find({ db, mail, numbering }) {
    const global = new RegExp(numbering.pattern.source, 'gi');
    const numbers = [...new Set([...mail.text.matchAll(global)].map((m) => m[0].toUpperCase()))].slice(0, MAX_NUMBERS);
    return numbers.flatMap((n) => {
      const t = ticketByNumber(db, n);
      return t ? [{ ticketId: t.id, number: t.number, via: 'body-number' }] : [];
    });
  },
};
