/** Reply and forward prefixes of common mail clients, English and Russian among them. */
const PREFIX = /^\s*(?:re|fw|fwd|aw|wg|sv|vs|antw|ответ|отв|на|rif|r)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;

/** "Re: Fwd: RE: x" → "x". */
export function stripReplyPrefixes(subject: string): string {
  let s = subject;
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(PREFIX, '');
  }
  return s.trim();
}

/**
 * The subject of our mail about a request: "[NUMBER] original subject", with
 * the customer's Re:/Fwd: prefixes and any copy of our own tag taken out, so
 * replies never grow "Re: [N] Re: [N] …".
 */
export function tagSubject(subject: string, number: string, emptySubject: string): string {
  const tag = new RegExp(`\\[\\s*${number.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\]`, 'gi');
  const s = stripReplyPrefixes(subject.replace(tag, ' ').replace(/\s+/g, ' '));
  return `[${number}] ${s || emptySubject}`;
}
