import { eq } from 'drizzle-orm';
import type { Db } from './open';
import { mailboxState } from './schema';

/** UIDVALIDITY and the highest UID handled, per mailbox. */
export interface FolderState {
  uidValidity: number;
  lastUid: number;
}

export function readState(db: Db, mailbox: string): FolderState | null {
  return db.select().from(mailboxState).where(eq(mailboxState.mailbox, mailbox)).get() ?? null;
}

export function writeState(db: Db, mailbox: string, state: FolderState, at: Date): void {
  db.insert(mailboxState)
    .values({ mailbox, ...state, updatedAt: at.toISOString() })
    .onConflictDoUpdate({ target: mailboxState.mailbox, set: { ...state, updatedAt: at.toISOString() } })
    .run();
}
