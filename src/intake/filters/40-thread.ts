import { findThread } from '../thread';
import type { Filter } from '../types';

/** Is this a reply to a request we have? (subject number, then References, then the body). */
export const thread: Filter = {
  name: 'thread',
  run({ db, mail, numbering, isEngineer }) {
    const hit = findThread({ db, mail, numbering, isEngineer });
    return hit ? { filter: 'thread', followUpOf: hit } : null;
  },
};
