/**
 * Errors that pass: the disk is full, the database is busy, a file system
 * hiccup. The message stays in the mailbox untouched and is tried again.
 * Anything else is about the message (or a bug it triggers): it goes to
 * quarantine instead of blocking the mailbox.
 */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return /^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_FULL|SQLITE_IOERR|SQLITE_CANTOPEN|ENOSPC|EIO|EMFILE|ENFILE|EAGAIN|EDQUOT)/.test(code);
}
