import type { Db } from '../../db/open';
import type { ParsedEmail } from '../../mail/parse';
import type { Numbering } from '../../ticket/numbering';

export interface ThreadHit {
  ticketId: number;
  number: string;
  /** Which check found it. */
  via: string;
}

export interface ThreadContext {
  db: Db;
  mail: ParsedEmail;
  numbering: Numbering;
  isEngineer: (address: string) => boolean;
}

/** One way of finding the request a message belongs to. The first check that finds one wins. */
export interface ThreadCheck {
  name: string;
  find(ctx: ThreadContext): ThreadHit | null;
}
