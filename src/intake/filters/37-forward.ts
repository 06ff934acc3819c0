import { ANY_PROOF, authenticateForward, recipientsOf } from '../../auth/authenticate';
import { verifyForwardAddress, verifyReplyToken } from '../../auth/token';
import { subjectNumber } from '../thread/10-subject-number';
import { references } from '../thread/20-references';
import { findThread } from '../thread';
import type { Filter } from '../types';

/**
 * An engineer forwards a customer's mail to the desk: with proof that the
 * forward is theirs (their signed forwarding address, DKIM, or our server's
 * Authentication-Results, as their `accept` list allows) it opens a request
 * for the original sender. Without it, the mail is what it claims nothing
 * about: an ordinary mail from its From (anyone can write an engineer's From
 * and a "Forwarded message" block, and must not make the desk write to a
 * third party). A mail to the engineer's reply address of a request is a
 * reply to it (the command path), whatever it quotes; so is a mail to the
 * plain support address that names a request by its subject's number or its
 * In-Reply-To/References (an engineer answering from Outlook, whose reply
 * header looks like a forward block): only a mail to the forwarding address
 * is a forward whatever its subject.
 */
export const forward: Filter = {
  name: 'forward',
  run(ctx) {
    const { mail, input, forward: f, engineers, tokenSecret, trustedAuthservId, dkimPass, roles } = ctx;
    const engineer = f ? engineers.find((e) => e.address === mail.from?.address) : undefined;
    if (!f || !engineer) return null;
    if (tokenSecret && verifyReplyToken(tokenSecret, recipientsOf(mail), engineer.address)) return null;
    const toForwarding = !!tokenSecret && verifyForwardAddress(tokenSecret, recipientsOf(mail), engineer.address, input.mailbox.addresses);
    if (!toForwarding && findThread(ctx, [subjectNumber, references])) return null;
    const original = f.original.from?.address;
    if (!original || roles.isOwn(original) || roles.isEngineer(original)) {
      return { filter: 'forward', forwardRefused: `the forwarded mail's sender (${original ?? 'none'}) is not a customer` };
    }
    const a = authenticateForward(mail, { secret: tokenSecret, trustedAuthservId, dkimPass, accept: engineer.accept ?? ANY_PROOF, mailboxAddresses: input.mailbox.addresses });
    if (!a.ok) return { filter: 'forward', forwardRefused: a.reason };
    return { filter: 'forward', forwardOf: { engineer: engineer.address, method: a.method, form: f.form, client: f.client, notify: f.notify, original } };
  },
};
