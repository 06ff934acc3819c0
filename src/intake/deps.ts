import type { Logger } from 'pino';
import type { Resolver } from '../auth/dkim';
import type { Clock } from '../clock';
import type { Secret } from '../config/secret';
import type { Notifier } from '../compose/notify';
import type { Copies } from '../compose/recipients';
import type { Templates } from '../compose/templates';
import type { Db } from '../db/open';
import type { SlaPolicy } from '../sla/policy';
import type { BlobStore } from '../storage/blobs';
import type { Numbering } from '../ticket/numbering';
import type { RequiredInfo } from './create';
import type { Take } from './participants';
import type { Tx } from '../requests/tx';
import type { Prepared } from './prepared';
import type { ThreadHit } from './thread/types';
import type { Filter, FilterContext, Outcome } from './types';

export interface IntakeDeps {
  db: Db;
  blobs: { raw: BlobStore; attachments: BlobStore };
  clock: Clock;
  numbering: Numbering;
  templates: Templates;
  notifier: Notifier;
  /** The `command` outcome (outcomes/command.ts): an engineer's reply on the request it names. */
  desk: { handle(tx: Tx, p: Prepared, hit: ThreadHit, now: Date): Outcome };
  /** cc (the default): the To and Cc people of a customer's first mail (at most `max`, 10 by default) become participants of its request; proven: only when our server vouches for its From; none: nobody does. */
  participants?: Take;
  /** Participants copied on the mail the requester gets (none when absent). */
  copies?: Copies;
  /** The desk's own addresses (every mailbox's): never a participant, and forged in a From from outside. */
  ownAddresses: readonly string[];
  /** Signs engineers' forwarding addresses (security.token_secret): a forward to one proves it is the engineer's. */
  tokenSecret?: Secret;
  /** Our receiving server's authserv-id (security.trusted_authserv_id): its dmarc=fail disowns a customer's From. */
  trustedAuthservId?: string;
  /** The spam filter in front of the desk (intake.spam); absent: no spam header is read. */
  spam?: FilterContext['spam'];
  log: Logger;
  attachmentMaxBytes: number;
  /** How long after `resolved` a customer's reply reopens the request (after that it opens a new one). */
  reopenWindowMs: number;
  /** What a new request must contain. */
  requiredInfo?: RequiredInfo;
  /** Plans, organisations and calendars; null when no plans are configured. */
  sla?: SlaPolicy | null;
  filters?: readonly Filter[];
  /** DNS for DKIM checks of engineers' mail (tests pass a stub; default: the system's). */
  dkimResolver?: Resolver;
  /** After a permanent bounce, no automatic mail to that address for this many hours (0: none). */
  bounceSuppressHours: number;
  /** Called after a commit that queued mail, so the outbox can send at once. */
  onQueued?: () => void;
}

