import { isNoReplyAddress } from '../../mail/automated';
import type { Filter } from '../types';

/** No automatic answer to a sender we cannot or must not write to. */
export const noReply: Filter = {
  name: 'no-reply',
  run({ mail, input }) {
    const to = mail.from?.address;
    if (!to) return { filter: 'no-reply', noReply: 'no sender address' };
    if (isNoReplyAddress(to)) return { filter: 'no-reply', noReply: `no-reply address ${to}` };
    if (input.mailbox.addresses.includes(to)) return { filter: 'no-reply', noReply: `sender is our own address ${to}` };
    return null;
  },
};
