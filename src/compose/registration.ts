import type { ResolvedMailbox } from '../config/load';
import type { ParsedEmail } from '../mail/parse';
import type { Outgoing } from '../requests/mail';
import { tagSubject } from '../ticket/subject';
import { formatLocalTime, type Templates } from './templates';

export const NO_SUBJECT = { ru: '(без темы)', en: '(no subject)' } as const;

/**
 * The reply that tells the customer the registration number, threaded under
 * their message (its Message-ID is minted when it is queued, from the number).
 */
export function composeRegistration(o: {
  templates: Templates;
  mailbox: ResolvedMailbox;
  mail: ParsedEmail;
  ticketId: number;
  number: string;
  receivedAt: Date;
  missing?: readonly string[];
  /** The request's participants, copied. */
  cc?: readonly string[];
}): Outgoing {
  const { mailbox, mail, number } = o;
  const lang = mailbox.language;
  const { text, html } = o.templates.both('registration', lang, {
    number,
    subject: mail.subject || NO_SUBJECT[lang],
    receivedAt: formatLocalTime(o.receivedAt, mailbox.time_zone, lang),
    customerName: mail.from?.name ?? '',
    supportName: mailbox.from_name,
    missing: o.missing ?? [],
  }, mailbox.signature);
  const references = mail.messageId ? [...mail.references.slice(-20), mail.messageId] : mail.references.slice(-20);
  return {
    ticketId: o.ticketId,
    kind: 'registration',
    idHint: number,
    to: mail.from!.address,
    cc: o.cc ?? [],
    subject: tagSubject(mail.subject, number, NO_SUBJECT[lang]),
    text,
    html,
    inReplyTo: mail.messageId,
    references,
  };
}
