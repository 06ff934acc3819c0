import { classifyAutomated } from '../../mail/automated';
import { sentByUs } from '../../requests/read';
import type { Filter } from '../types';

/**
 * Marks mail written by machines (RFC 3834): stored, never answered. A
 * message carrying one of our own Message-IDs is our mail come back: a loop.
 */
export const automated: Filter = {
  name: 'automated',
  run({ db, mail, input }) {
    const found = classifyAutomated(mail, input.envelopeSender); // a bounce's DSN is read once, by the bounce filter
    if (found) return { filter: 'automated', automated: found };
    const ours = !!mail.messageId && sentByUs(db, mail.messageId);
    return ours ? { filter: 'automated', automated: { kind: 'loop', reason: `our own Message-ID ${mail.messageId} came back` } } : null;
  },
};
