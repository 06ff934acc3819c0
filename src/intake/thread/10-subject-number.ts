import { numberInSubject } from '../../ticket/numbering';
import { isParticipant, ticketByNumber } from './participants';
import type { ThreadCheck } from './types';

/** "[SUP-2026-000042]" in the subject, from someone on that request. */
export const subjectNumber: ThreadCheck = {
  name: 'subject-number',
  find({ db, mail, numbering, isEngineer }) {
    const number = numberInSubject(mail.subject, numbering);
    const t = number ? ticketByNumber(db, number) : null;
    if (!t || !isParticipant(db, t.id, mail.from?.address, isEngineer)) return null;
    return { ticketId: t.id, number: t.number, via: 'subject-number' };
  },
};
