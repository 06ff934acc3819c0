import { newPart } from '../mail/quotes';
import type { ParsedEmail } from '../mail/parse';
import { numberInSubject, type Numbering } from '../ticket/numbering';
import { stripReplyPrefixes } from '../ticket/subject';

const WORD = /^(?:status|статус)$/i;

/**
 * Is this mail a status query? Subject or first line "status"/"статус" with a
 * number ("статус SUP-2026-000042"), or a reply in a request's thread whose
 * new part is only that word. Returns the number asked about (or null: the
 * thread's), or undefined when it is not a query.
 */
export function statusQuery(mail: ParsedEmail, numbering: Numbering): { number: string | null } | undefined {
  const numberIn = (s: string) => numbering.pattern.exec(s)?.[0].toUpperCase() ?? null;
  const subject = stripReplyPrefixes(mail.subject).replace(/\[[^\]]*\]/g, ' ').trim();
  const body = newPart(mail.text).trim();
  const firstLine = body.split('\n')[0]?.trim() ?? '';
  const bare = (s: string) => s.replace(numbering.pattern, '').replace(/[\s:#№-]+/g, ' ').trim();
  if (WORD.test(bare(subject)) && (numberIn(mail.subject) || body === '' || WORD.test(bare(firstLine)) || numberIn(body))) {
    return { number: numberIn(mail.subject) ?? numberIn(body) };
  }
  if (WORD.test(bare(firstLine)) && (numberIn(firstLine) || body.split('\n').filter((l) => l.trim()).length === 1)) {
    return { number: numberIn(firstLine) ?? numberInSubject(mail.subject, numbering) };
  }
  return undefined;
}
