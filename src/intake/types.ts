import type { AuthMethod } from '../auth/authenticate';
import type { Engineer } from '../compose/recipients';
import type { ResolvedMailbox } from '../config/load';
import type { Secret } from '../config/secret';
import type { Forward } from './forward/read';
import type { StoredRaw } from '../storage/raw';
import type { Automated } from '../mail/automated';
import type { FailedRecipient } from '../mail/dsn';
import type { ParsedEmail } from '../mail/parse';
import type { Db } from '../db/open';
import type { Numbering } from '../ticket/numbering';
import type { SpamRule } from '../mail/spam';
import type { Roles } from './roles';
import type { ThreadHit } from './thread/types';

/** One message handed to intake: by the IMAP watcher, or by `helpdesk ingest`. */
export interface IntakeInput {
  /** The bytes, or (a large message streamed from IMAP into the raw store) where they are. */
  raw: Buffer | StoredRaw;
  mailbox: ResolvedMailbox;
  /** When the message reached us (IMAP INTERNALDATE, else the clock). The SLA clock starts here. */
  receivedAt: Date;
  imapUid?: number;
  /** SMTP MAIL FROM when known ("" = null sender). */
  envelopeSender?: string;
  /** Released from spam by an admin (`helpdesk spam release`): its spam headers are not read again. */
  notSpam?: boolean;
}

/** What a filter says about a message. The runner decides once, from all verdicts. */
export type Verdict =
  | { filter: string; duplicateOf: { messageId: number; ticketNumber: string | null } }
  | { filter: string; idReused: { messageId: number; ticketNumber: string | null } }
  | { filter: string; forged: string }
  | { filter: string; unproven: string }
  | { filter: string; automated: Automated }
  | { filter: string; noReply: string }
  | { filter: string; followUpOf: ThreadHit }
  | { filter: string; strangerTo: ThreadHit }
  | { filter: string; statusQuery: { number: string | null } }
  | { filter: string; bounceOf: BounceOf }
  | { filter: string; spam: string }
  | { filter: string; forwardOf: ForwardOf }
  | { filter: string; forwardRefused: string };

/** An engineer's proven forward of a customer's mail: a request opens for its original sender. */
export interface ForwardOf {
  engineer: string;
  /** The proof (`token`: their signed forwarding address). */
  method: AuthMethod;
  form: 'attached' | 'inline';
  client: string;
  /** The original sender gets the registration reply (`#notify` in the forward). */
  notify: boolean;
  original: string;
}

/** A bounce, and the request and outbox row of the mail it returns (null when it returns none of ours). */
export interface BounceOf {
  ticketId: number | null;
  number: string | null;
  /** Set only with proof: the returned mail is ours and went to an address the bounce says failed. */
  outboxId: number | null;
  /** The mail of ours it returns, and whom that went to (lower case), even without proof. */
  returnedMessageId: string | null;
  returnedTo: string | null;
  recipients: FailedRecipient[];
}

type VerdictKey = 'duplicateOf' | 'idReused' | 'forged' | 'unproven' | 'automated' | 'noReply' | 'followUpOf' | 'strangerTo' | 'statusQuery' | 'bounceOf' | 'spam' | 'forwardOf' | 'forwardRefused';

/** What the first filter that said `key` said, or undefined. */
export function verdictOf<K extends VerdictKey>(verdicts: readonly Verdict[], key: K): Extract<Verdict, Record<K, unknown>>[K] | undefined {
  const v = verdicts.find((x) => key in x) as Extract<Verdict, Record<K, unknown>> | undefined;
  return v?.[key];
}

export interface FilterContext {
  db: Db;
  mail: ParsedEmail;
  input: IntakeInput;
  /** Of the raw bytes. */
  sha256: string;
  numbering: Numbering;
  roles: Roles;
  /** Our receiving server's authserv-id: only its topmost Authentication-Results is believed. */
  trustedAuthservId?: string;
  /** The spam filter in front of the desk (intake.spam); absent or untrusted: no spam header is read. */
  spam?: { trusted: boolean; rules: readonly SpamRule[] };
  /** What an engineer's mail forwards (null for anyone else's), and the proofs it may carry. */
  forward: Forward | null;
  dkimPass: readonly string[];
  engineers: readonly Engineer[];
  tokenSecret?: Secret;
}

export interface Filter {
  name: string;
  run(ctx: FilterContext): Verdict | null;
}

/**
 * The closed set of outcomes of one message, each written by one handler of
 * the outcome table (src/intake/outcomes/table.ts) and logged once by its
 * reporter (outcomes/report.ts):
 * - created: a new request (maybe linked to one it continues or names, or
 *   opened for the original sender of a customer's mail an engineer forwarded: `forwardedBy`);
 * - appended: a customer's follow-up added to their request;
 * - command: an engineer's reply, its commands applied or refused;
 * - rejected: not registered (an unauthenticated engineer, a plan's limit, an unknown sender);
 * - answered: a status query answered;
 * - bounced: a delivery failure of our mail;
 * - ignored: kept and acted on in no way (a duplicate, a loop, a forged sender, an engineer's machine);
 * - spam: the trusted spam filter in front of the desk marked it; kept for `helpdesk spam`, never answered;
 * - quarantined: processing failed; the caller (watcher, `helpdesk ingest`) keeps it (intake/quarantine).
 */
export type Outcome =
  | { outcome: 'created'; ticketNumber: string; messageId: string | null; replyQueued: boolean; replySuppressed?: string; linkedTo?: string; forwardedBy?: string }
  | { outcome: 'appended'; ticketNumber: string; messageId: string | null; status?: string }
  | { outcome: 'command'; ticketNumber: string; messageId: string | null; applied: string[]; refused: { source: string; reason: string }[]; relayed: boolean; status?: string }
  | { outcome: 'rejected'; ticketNumber: string | null; messageId: string | null; reason: string }
  | { outcome: 'answered'; ticketNumber: string | null; messageId: string | null; answered: boolean }
  | { outcome: 'bounced'; ticketNumber: string | null; messageId: string | null; recipients: string[]; suppressed: string[]; internal?: string[] }
  | { outcome: 'ignored'; reason: 'duplicate' | 'loop' | 'forged' | 'automated'; ticketNumber: string | null; messageId: string | null }
  | { outcome: 'spam'; ticketNumber: null; messageId: string | null; spamId: number; verdict: string }
  | { outcome: 'quarantined'; ticketNumber: null; messageId: string | null; quarantineId: number; error: string };
