/**
 * Registration numbers. A format such as "SUP-{year}-{seq:6}" gives
 * SUP-2026-000042: {year} is the four-digit year of arrival (in the
 * numbering time zone), {seq:N} the sequence zero-padded to N digits (never
 * truncated). With a yearly reset the sequence restarts at 1 every year, so
 * numbers still increase strictly in (year, seq) order.
 */
export interface Numbering {
  /** The counter a new request draws from: its year, or "all" without a yearly reset. */
  scopeFor(at: Date): string;
  format(scope: string, seq: number): string;
  /** Matches one number anywhere in a text; group 0 is the number. */
  pattern: RegExp;
}

export interface NumberingOptions {
  format: string;
  yearlyReset: boolean;
  timeZone: string;
}

export function createNumbering({ format, yearlyReset, timeZone }: NumberingOptions): Numbering {
  const parts = format.split(/(\{year\}|\{seq(?::\d+)?\})/).filter((p) => p !== '');
  const seqPart = parts.find((p) => p.startsWith('{seq'));
  if (!seqPart) throw new Error(`numbering format "${format}" has no {seq}`);
  if (yearlyReset && !parts.includes('{year}')) throw new Error(`numbering format "${format}" has no {year} but restarts every year: its numbers would repeat`);
  const usesYear = parts.includes('{year}');
  const years = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }); // made once: costly to build
  const yearOf = (at: Date) => years.format(at).padStart(4, '0');

  const source = parts
    .map((p) => (p === '{year}' ? '\\d{4}' : p.startsWith('{seq') ? `\\d{${width(p)},}` : escapeRegExp(p)))
    .join('');
  return {
    scopeFor: (at) => (yearlyReset || usesYear ? yearOf(at) : 'all'),
    format(scope, seq) {
      if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`bad sequence ${seq}`);
      return parts
        .map((p) => (p === '{year}' ? scope : p.startsWith('{seq') ? String(seq).padStart(width(p), '0') : p))
        .join('');
    },
    pattern: new RegExp(`(?<![\\w-])${source}(?![\\w-])`, 'i'),
  };
}

/** Scope "all" only when the format has no year and there is no yearly reset. */
function width(seqPart: string): number {
  const m = /:(\d+)/.exec(seqPart);
  return m ? Number(m[1]) : 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The registration number in a subject tag "[SUP-2026-000042]", or null. */
export function numberInSubject(subject: string, numbering: Numbering): string | null {
  const tag = new RegExp(`\\[\\s*(${numbering.pattern.source})\\s*\\]`, 'i').exec(subject);
  return tag ? tag[1].toUpperCase() : null;
}
