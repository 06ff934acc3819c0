import type { ParsedCommands } from '../../../commands/parse';
import type { Outgoing } from '../../../requests/mail';
import type { Outcome } from '../../types';
import type { Reply } from './reply';

const ATTACHED_MAIL = /^message\//i;

export type OutgoingFile = NonNullable<Outgoing['attachments']>[number];

/**
 * The engineer's files (attachments and inline images) that go to the
 * customer with the answer, or the `command` outcome with nothing applied:
 * a file that could not be kept (over limits.attachment_max_bytes, or past
 * the parser's limits), or all of them over limits.outgoing_files_max_bytes.
 * The engineer is told which and why; a customer never gets an answer that
 * silently lost its file. A #note keeps its files on the request and sends none.
 * An attached mail (message/*) is never sent on: it is what a client attaches
 * when "replying with the original" — our internal notification — and the
 * confirmation says it stayed on the request (`kept`).
 */
export function filesToRelay(r: Reply, parsed: ParsedCommands, maxTotal: number): { files: OutgoingFile[]; kept: string[] } | { outcome: Outcome } {
  const all = r.p.files;
  const files = all.filter((f) => !ATTACHED_MAIL.test(f.contentType));
  const kept = all.filter((f) => ATTACHED_MAIL.test(f.contentType)).map((f) => `${f.filename ?? 'an attached mail'} was not sent to the customer: an attached mail stays on the request`);
  if (parsed.note || files.length === 0) return { files: [], kept: parsed.note ? [] : kept };
  const name = (f: (typeof files)[number]) => f.filename ?? `(unnamed ${f.contentType})`;
  const refused = files.filter((f) => !f.stored).map((f) => ({ source: name(f), reason: `${f.skipReason ?? 'not kept'}: send a link, or a smaller file` }));
  const total = files.reduce((n, f) => n + f.size, 0);
  if (refused.length === 0 && total > maxTotal) {
    refused.push({ source: files.map(name).join(', '), reason: `the files together are ${total} bytes, over limits.outgoing_files_max_bytes (${maxTotal}): send fewer or smaller files, or a link` });
  }
  if (refused.length === 0) return { files: files.map((f) => ({ sha256: f.sha256, filename: f.filename ?? null, contentType: f.contentType, contentId: f.contentId ?? null })), kept };
  r.event('command.refused', { refused, message: r.p.mail.messageId, note: 'files the customer would not get' });
  r.confirm({ refused, status: r.t.status });
  return { outcome: { outcome: 'command', ticketNumber: r.t.number, messageId: r.p.mail.messageId, applied: [], refused, relayed: false } };
}
