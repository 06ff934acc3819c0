/**
 * Fields a message may carry once (RFC 5322 3.6), and MIME's own at the top
 * level (RFC 2045). With two of one, a DKIM verifier (which reads the last)
 * and our parser (which may read the first) can see different messages: a
 * prepended From or Content-Type is what we would act on while the
 * signature vouches for the other.
 */
const SINGLE = ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references', 'subject', 'date', 'mime-version', 'content-type', 'content-transfer-encoding'] as const;

/** The single-instance fields (lower case) that occur more than once among these top-level headers. */
export function duplicatedHeaders(headers: ReadonlyMap<string, readonly string[]>): string[] {
  return SINGLE.filter((name) => (headers.get(name)?.length ?? 0) > 1);
}
