import { spamVerdict } from '../../mail/spam';
import type { Filter } from '../types';

/** The verdict of the admin's own spam filter, read from its headers only when intake.spam.trusted says it writes them. */
export const spam: Filter = {
  name: 'spam',
  run({ mail, input, spam: o }) {
    if (!o?.trusted || input.notSpam) return null;
    const verdict = spamVerdict(mail.headers, o.rules);
    return verdict ? { filter: 'spam', spam: verdict } : null;
  },
};
