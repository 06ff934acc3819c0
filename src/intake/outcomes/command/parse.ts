import type { AuthMethod } from '../../../auth/authenticate';
import { parseCommands, type CommandContext, type ParsedCommands } from '../../../commands/parse';
import { internalLine, ownText } from '../../../commands/reply-text';
import { inboundTexts, internalMailText } from '../../../requests/read';
import type { Outcome } from '../../types';
import type { Reply } from './reply';

const LEAKED = 'this is text of our internal mail to engineers (a quoted notification?), so nothing was sent: write your answer above the quoted mail, without it';

/**
 * The reply's commands and its text for the customer, or the `command`
 * outcome with nothing applied when anything is refused (all or nothing): a
 * command it cannot take, or text of our internal mail quoted into it.
 */
export function readCommands(r: Reply, ctx: CommandContext, method: AuthMethod): { parsed: ParsedCommands } | { outcome: Outcome } {
  const { tx, t, p } = r;
  const { mail, input } = p;
  // Commands in the subject are the engineer's only: the request's own subject (the customer's words, in every "Re:") is taken out first.
  const subject = t.subject ? mail.subject.replace(t.subject, ' ') : mail.subject;
  const parsed = parseCommands(subject, ownText(mail.text, [...input.mailbox.addresses, input.mailbox.from_name]), ctx);
  const refused = [...parsed.refused];
  const leaked = parsed.body ? internalLine(parsed.body, internalMailText(tx, t.id), customerText(r, ctx.engineers)) : null;
  if (leaked) refused.push({ source: leaked, reason: LEAKED });
  if (refused.length === 0) return { parsed };
  r.event('command.refused', { refused, message: mail.messageId, auth: method });
  r.confirm({ refused, status: t.status });
  return { outcome: { outcome: 'command', ticketNumber: t.number, messageId: mail.messageId, applied: [], refused, relayed: false } };
}

/** What others than engineers wrote on the request (the customer's mails), which our notifications quote. */
function customerText(r: Reply, engineers: CommandContext['engineers']): string[] {
  const ours = new Set(engineers.map((e) => e.address));
  return inboundTexts(r.tx, r.t.id)
    .filter((m) => !ours.has(m.from ?? ''))
    .map((m) => m.text ?? '');
}
