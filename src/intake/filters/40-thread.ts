import { findThread } from '../thread';
import type { Filter } from '../types';

/** Is this a reply to a request we have? (subject number, then References, then the body), and is its sender on it? */
export const thread: Filter = {
  name: 'thread',
  run({ db, mail, numbering, roles }) {
    const found = findThread({ db, mail, numbering, roles });
    if (!found) return null;
    return 'joins' in found ? { filter: 'thread', followUpOf: found.joins } : { filter: 'thread', strangerTo: found.strangerTo };
  },
};
