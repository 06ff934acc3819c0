import type { ParsedCommands } from '../../../commands/parse';
import { ccOf, type Copies } from '../../../compose/recipients';
import { NO_SUBJECT } from '../../../compose/registration';
import type { Templates } from '../../../compose/templates';
import { answerHtml } from '../../../mail/html-answer';
import { textToHtml } from '../../../mail/sanitize';
import { markReacted } from '../../../requests/ledger';
import { queueMail } from '../../../requests/mail';
import { requesterOf } from '../../../requests/read';
import { threadWith } from '../../../requests/read-thread';
import type { SlaPolicy } from '../../../sla/policy';
import type { Status } from '../../../ticket/status';
import { tagSubject } from '../../../ticket/subject';
import type { Change } from './apply';
import type { OutgoingFile } from './files';
import type { Reply } from './reply';

/** Status changes the customer is told about. */
const TOLD: readonly Status[] = ['awaiting_info', 'suspended', 'resolved'];

/**
 * The engineer's text (and a status change the customer is told about) to
 * the customer, in their thread, unless it is a #note; the SLA's reaction is
 * marked by a relay or by the work starting. Whether it was relayed.
 */
export function relay(r: Reply, parsed: ParsedCommands, change: Change, d: { templates: Templates; sla?: SlaPolicy | null; copies?: Copies; files?: readonly OutgoingFile[] }): boolean {
  const { tx, t, now } = r;
  const { status, wait } = change;
  const told = status !== t.status && TOLD.includes(status);
  const requester = requesterOf(tx, t.id); // a #requester in this reply has changed it
  const files = d.files ?? [];
  const relayed = !parsed.note && !!requester && (parsed.body !== '' || files.length > 0 || told);
  if (relayed) {
    const mailbox = r.p.input.mailbox;
    const lang = mailbox.language;
    // The engineer's HTML, sanitised and cut to the words of their text; else their text as HTML.
    const own = parsed.body && r.p.mail.html ? answerHtml(r.p.mail.html, parsed.body) : null;
    const { text, html } = d.templates.both('relay', lang, {
      body: parsed.body,
      bodyHtml: own ?? textToHtml(parsed.body),
      awaiting_info: told && status === 'awaiting_info',
      suspended: told && status === 'suspended',
      resolved: told && status === 'resolved',
      reason: wait?.why ?? '',
      comment: wait?.comment ?? '',
      supportName: mailbox.from_name,
      number: t.number,
    }, mailbox.signature);
    const thread = threadWith(tx, t.id, requester!);
    const cc = ccOf(tx, t.id, requester, d.copies);
    const id = queueMail(tx, {
      from: mailbox,
      at: now,
      mail: { ticketId: t.id, kind: 'relay', idHint: t.number, to: requester!, cc, subject: tagSubject(t.subject, t.number, NO_SUBJECT[lang]), text, html, attachments: files, ...thread },
    });
    r.event('reply.relayed', { messageId: id, to: requester, cc, files: files.map((f) => f.filename), html: own ? 'own' : 'text' });
    markReacted(tx, d.sla?.plans, t.id, now);
  }
  if (status === 'in_progress') markReacted(tx, d.sla?.plans, t.id, now);
  return relayed;
}
