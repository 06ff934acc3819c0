import type { Db } from '../../db/open';
import type { ParsedEmail } from '../../mail/parse';
import type { Numbering } from '../../ticket/numbering';
import type { Roles } from '../roles';

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
  roles: Roles;
}

/** One way of naming a request: the requests a mail names so, best first. Who may join one is decided after. */
export interface ThreadCheck {
  name: string;
  find(ctx: ThreadContext): ThreadHit[];
}

/** The request a mail joins (its sender is on it), or the one it names although its sender is not. */
export type ThreadFound = { joins: ThreadHit } | { strangerTo: ThreadHit };
