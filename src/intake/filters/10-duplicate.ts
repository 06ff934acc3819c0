import type { Db } from '../../db/open';
import type { ParsedEmail } from '../../mail/parse';
import { storedByDedupKey, storedByMessageId } from '../../requests/read';
import type { Filter } from '../types';

/**
 * A message we already stored is not processed again. The same mail is the
 * same bytes, or the same Message-ID with the same sender and Date (a copy
 * that gained a Received line on the way). A different mail that reuses a
 * Message-ID (two phones that both send <1@localhost>, or a sender who copies
 * one) is a mail of its own: it is kept and processed, and said to reuse it.
 */
export const duplicate: Filter = {
  name: 'duplicate',
  run({ db, mail, sha256 }) {
    const same = findSame(db, mail, sha256);
    if (same.duplicate) return { filter: 'duplicate', duplicateOf: same.duplicate };
    return same.reused ? { filter: 'duplicate', idReused: same.reused } : null;
  },
};

type Row = { messageId: number; ticketNumber: string | null };

function findSame(db: Db, mail: ParsedEmail, sha256: string): { duplicate?: Row; reused?: Row } {
  const bytes = storedByDedupKey(db, `sha256:${sha256}`);
  if (bytes) return { duplicate: bytes };
  if (!mail.messageId) return {};
  const rows = storedByMessageId(db, mail.messageId);
  const from = mail.from?.address ?? null;
  const date = mail.date?.toISOString() ?? null;
  const same = rows.find((r) => r.from === from && r.date === date);
  if (same) return { duplicate: { messageId: same.messageId, ticketNumber: same.ticketNumber } };
  return rows.length > 0 ? { reused: { messageId: rows[0].messageId, ticketNumber: rows[0].ticketNumber } } : {};
}

/**
 * The unique key a stored message carries, so that two processes storing the
 * same mail at once cannot both succeed: its Message-ID, or its bytes when it
 * has none or reuses one already stored.
 */
export function dedupKeyOf(mail: ParsedEmail, sha256: string, idReused: boolean): string {
  return mail.messageId && !idReused ? `mid:${mail.messageId}` : `sha256:${sha256}`;
}
