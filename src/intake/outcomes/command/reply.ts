import type { Notifier } from '../../../compose/notify';
import type { Engineer } from '../../../compose/recipients';
import type { Templates } from '../../../compose/templates';
import { queueMail } from '../../../requests/mail';
import { ticketById } from '../../../requests/read';
import { addEvent } from '../../../requests/sqlite';
import type { TicketRow, Tx } from '../../../requests/tx';
import { keepInbound, type Prepared } from '../../prepared';
import type { ThreadHit } from '../../thread/types';

/**
 * An engineer's reply on a request, stored on it: what every step of the
 * command outcome reads, and the two things each may write (an event of the
 * message, the confirmation to the engineer).
 */
export interface Reply {
  tx: Tx;
  p: Prepared;
  /** The request as it was before the reply. */
  t: TicketRow;
  engineer: Engineer;
  /** The stored message's row id. */
  messageId: number;
  now: Date;
  event(type: string, data: unknown): void;
  confirm(data: Record<string, unknown>): void;
}

/** Stores the engineer's message on the request it answers (`hit`) and opens the reply. */
export function openReply(tx: Tx, p: Prepared, hit: ThreadHit, now: Date, d: { engineers: readonly Engineer[]; templates: Templates; notifier: Notifier }): Reply {
  const t = ticketById(tx, hit.ticketId)!;
  const engineer = d.engineers.find((e) => e.address === p.mail.from?.address)!;
  const messageId = keepInbound(tx, p, { ticketId: t.id, at: now });
  return {
    tx,
    p,
    t,
    engineer,
    messageId,
    now,
    event: (type, data) => addEvent(tx, { ticketId: t.id, messageId, type, actor: engineer.address, at: now, data }),
    confirm: (data) => confirm(tx, { t, engineer, mailbox: p.input.mailbox, now, templates: d.templates, notifier: d.notifier }, data),
  };
}

/** The confirmation to the engineer: what was applied, refused or relayed, or why nothing was (or the request their forward opened). */
export function confirm(
  tx: Tx,
  o: { t: Pick<TicketRow, 'id' | 'number'>; engineer: Pick<Engineer, 'address'>; mailbox: Prepared['input']['mailbox']; now: Date; templates: Templates; notifier: Notifier },
  data: Record<string, unknown>,
): void {
  const { number } = o.t;
  queueMail(tx, {
    from: o.mailbox,
    at: o.now,
    mail: {
      ticketId: o.t.id,
      kind: 'confirm',
      idHint: number,
      to: o.engineer.address, // the configured address, never a Reply-To or Sender of the mail
      subject: `[${number}] ${data.rejected ? '✗' : '✓'}`,
      ...o.templates.both('confirm', o.mailbox.language, {
        number,
        rejected: '',
        applied: [],
        notes: [],
        refused: [],
        relayed: false,
        participants: [],
        forwarded: false,
        forwardAddress: o.notifier.forwardAddressFor(o.mailbox, o.engineer.address),
        ...data,
      }),
    },
  });
}
