import { ANY_PROOF, authenticateForward, recipientsOf } from '../../auth/authenticate';
import { verifyReplyToken } from '../../auth/token';
import type { Filter } from '../types';

/**
 * An engineer forwards a customer's mail to the desk: with proof that the
 * forward is theirs (their signed forwarding address, DKIM, or our server's
 * Authentication-Results, as their `accept` list allows) it opens a request
 * for the original sender. Without it, the mail is what it claims nothing
 * about: an ordinary mail from its From (anyone can write an engineer's From
 * and a "Forwarded message" block, and must not make the desk write to a
 * third party). A mail to the engineer's reply address of a request is a
 * reply to it (the command path), whatever it quotes.
 */
export const forward: Filter = {
  name: 'forward',
  run({ mail, input, forward: f, engineers, tokenSecret, trustedAuthservId, dkimPass, roles }) {
    const engineer = f ? engineers.find((e) => e.address === mail.from?.address) : undefined;
    if (!f || !engineer) return null;
    if (tokenSecret && verifyReplyToken(tokenSecret, recipientsOf(mail), engineer.address)) return null;
    const original = f.original.from?.address;
    if (!original || roles.isOwn(original) || roles.isEngineer(original)) {
      return { filter: 'forward', forwardRefused: `the forwarded mail's sender (${original ?? 'none'}) is not a customer` };
    }
    const a = authenticateForward(mail, { secret: tokenSecret, trustedAuthservId, dkimPass, accept: engineer.accept ?? ANY_PROOF, mailboxAddresses: input.mailbox.addresses });
    if (!a.ok) return { filter: 'forward', forwardRefused: a.reason };
    return { filter: 'forward', forwardOf: { engineer: engineer.address, method: a.method, form: f.form, client: f.client, notify: f.notify, original } };
  },
};
