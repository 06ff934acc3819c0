import type { MimePart } from './mime';

/**
 * The shape of one parsed email and the header lookup on it: what parse,
 * automated and dsn all read, in a module of its own so that none of them
 * imports another for it (src/mail/parse.ts re-exports these names).
 */
export interface Address {
  address: string;
  name: string;
}

/** An attachment: its bytes in memory, or gone to a sink (see MimePart). */
export type ParsedAttachment = MimePart;

/** One email, as the rest of the daemon sees it. Built by parseEmail from raw bytes. */
export interface ParsedEmail {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  date: Date | null;
  /** The text, with the texts of attached mails (message/rfc822) appended for engineers and search. */
  text: string;
  /** The mail's own text only, without those appended (absent: the same as text): what its writer wrote. */
  ownText?: string;
  /** The mail's own HTML part as written (unsanitised: for mail/html-answer.ts only, never sent as it is). */
  html?: string | null;
  attachments: ParsedAttachment[];
  /** Unfolded header values by lower-case name (all occurrences, in order). */
  headers: Map<string, string[]>;
  /** Set when the message could not be parsed and only its headers were read (text is then empty). */
  parseError: string | null;
  /** What parse's LIMITS left unread, one line each, e.g. "References: 150000, kept 50". */
  cut: string[];
}

/** The first value of a header (its name in any case), unfolded. */
export function header(mail: Pick<ParsedEmail, 'headers'>, name: string): string | undefined {
  return mail.headers.get(name.toLowerCase())?.[0];
}
