import { requestOfMessageId } from '../../requests/read';
import type { ThreadCheck } from './types';

/** Message-IDs looked up in one mail at most (In-Reply-To and the newest References): a long chain costs no more. */
const MAX_IDS = 50;

/** In-Reply-To, then References (newest first), against every Message-ID we received or sent. */
export const references: ThreadCheck = {
  name: 'references',
  find({ db, mail }) {
    const ids = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((x): x is string => !!x))].slice(0, MAX_IDS);
    for (const id of ids) {
      const hit = requestOfMessageId(db, id);
      if (hit) return [{ ...hit, via: 'references' }];
    }
    return [];
  },
};
