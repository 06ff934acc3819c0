import crypto from 'node:crypto';
import type { ResolvedMailbox } from '../config/load';
import type { ParsedEmail } from '../mail/parse';
import { tagSubject } from '../ticket/subject';
import { formatLocalTime, type Templates } from './templates';

const NO_SUBJECT = { ru: '(без темы)', en: '(no subject)' } as const;

export interface ComposedMail {
  messageId: string;
  toAddress: string;
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
}

/** A Message-ID of ours: unique, and carrying the request number for humans reading headers. */
export function newMessageId(ticketNumber: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'helpdesk.invalid';
  return `<${ticketNumber.toLowerCase()}.${crypto.randomUUID()}@${domain}>`;
}

/** The reply that tells the customer the registration number, threaded under their message. */
export function composeRegistration(
  templates: Templates,
  mailbox: ResolvedMailbox,
  mail: ParsedEmail,
  ticketNumber: string,
  receivedAt: Date,
  missing: readonly string[] = [],
): ComposedMail {
  const lang = mailbox.language;
  const fromAddress = mailbox.addresses[0];
  const subject = tagSubject(mail.subject, ticketNumber, NO_SUBJECT[lang]);
  const text = templates.render('registration', lang, {
    number: ticketNumber,
    subject: mail.subject || NO_SUBJECT[lang],
    receivedAt: formatLocalTime(receivedAt, mailbox.time_zone, lang),
    customerName: mail.from?.name ?? '',
    supportName: mailbox.from_name,
    missing,
  });
  const references = mail.messageId ? [...mail.references.slice(-20), mail.messageId] : mail.references.slice(-20);
  return {
    messageId: newMessageId(ticketNumber, fromAddress),
    toAddress: mail.from!.address,
    subject,
    text,
    inReplyTo: mail.messageId,
    references,
  };
}
