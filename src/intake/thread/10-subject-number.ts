import { numberInSubject } from '../../ticket/numbering';
import { ticketByNumber } from '../../requests/read';
import type { ThreadCheck } from './types';

/** "[SUP-2026-000042]" in the subject. */
export const subjectNumber: ThreadCheck = {
  name: 'subject-number',
  find({ db, mail, numbering }) {
    const number = numberInSubject(mail.subject, numbering);
    const t = number ? ticketByNumber(db, number) : null;
    return t ? [{ ticketId: t.id, number: t.number, via: 'subject-number' }] : [];
  },
};
