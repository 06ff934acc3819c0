import { classifyAutomated } from '../../mail/automated';
import type { Filter } from '../types';

/** Marks mail written by machines (RFC 3834): stored, never answered. */
export const automated: Filter = {
  name: 'automated',
  run({ mail, input }) {
    const found = classifyAutomated(mail, input.envelopeSender);
    return found ? { filter: 'automated', automated: found } : null;
  },
};
