/**
 * The dates mail clients write in the header block of an inline forward,
 * which are for people, not RFC 5322: "Tue, Jan 01, 2019 at 12:00 PM"
 * (Gmail), "Monday, April 2, 2012 5:44 PM" (Outlook), "01 January 2019 at
 * 12:00:00 EET" (Apple Mail), "20.11.2026, 12:30" (Yandex), "Пятница, 20
 * ноября 2026, 12:30 +03:00" (Mail.ru), and RFC 5322 itself (Thunderbird).
 * A date without a zone is read in the mailbox's time zone. What cannot be
 * read is null: the forward's own arrival stands in for it.
 */
const MONTHS: Record<string, number> = {};
[
  ['jan', 'январ', 'янв'],
  ['feb', 'феврал', 'фев'],
  ['mar', 'март', 'мар'],
  ['apr', 'апрел', 'апр'],
  ['may', 'ма'],
  ['jun', 'июн'],
  ['jul', 'июл'],
  ['aug', 'август', 'авг'],
  ['sep', 'сентябр', 'сен'],
  ['oct', 'октябр', 'окт'],
  ['nov', 'ноябр', 'ноя'],
  ['dec', 'декабр', 'дек'],
].forEach((names, i) => names.forEach((n) => (MONTHS[n] = i)));

/** The zone abbreviations clients print, in minutes east of UTC. */
const ZONES: Record<string, number> = { utc: 0, gmt: 0, ut: 0, z: 0, wet: 0, west: 60, cet: 60, cest: 120, eet: 120, eest: 180, msk: 180, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  for (const len of [7, 6, 5, 4, 3, 2]) {
    const m = MONTHS[w.slice(0, len)];
    // "ма" alone is May only as "мая"/"май" (not "март", caught at 4 letters first).
    if (m !== undefined && (len > 2 || /^ма[яй]$/.test(w))) return m;
  }
  return undefined;
}

export function parseLooseDate(value: string, timeZone: string): Date | null {
  const s = value.trim();
  if (!s) return null;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let offset: number | undefined;
  let pm: boolean | undefined;
  const numeric = /\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b/.exec(s) ?? null;
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(s);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])];
  else if (numeric) {
    // Russian and European clients write day.month.year; a slash is the American month/day/year.
    const [a, b] = [Number(numeric[1]), Number(numeric[2])];
    const dmy = s[numeric.index + numeric[1].length] === '.';
    [day, month, year] = dmy ? [a, b - 1, Number(numeric[3])] : [b, a - 1, Number(numeric[3])];
  }
  const time = /\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b/.exec(s);
  if (time) [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)];
  const ampm = /\b([ap])\.?m\.?(?=\s|$|,)/i.exec(s);
  if (ampm) pm = ampm[1].toLowerCase() === 'p';
  const off = /(?:^|\s|GMT|UTC)([+-])(\d{2}):?(\d{2})\b/.exec(s);
  if (off) offset = (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3]));
  const rest = s.replace(numeric?.[0] ?? '\0', ' ').replace(iso?.[0] ?? '\0', ' ').replace(time?.[0] ?? '\0', ' ');
  for (const word of rest.split(/[\s,()]+/)) {
    if (!word) continue;
    if (/^\d{4}$/.test(word) && year === undefined) year = Number(word);
    else if (/^\d{1,2}(st|nd|rd|th)?$/i.test(word) && day === undefined) day = Number(word.replace(/\D/g, ''));
    else if (month === undefined && monthOf(word) !== undefined) month = monthOf(word);
    else if (offset === undefined && ZONES[word.toLowerCase()] !== undefined) offset = ZONES[word.toLowerCase()];
  }
  if (day === undefined || month === undefined || year === undefined || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  if (pm !== undefined && hour <= 12) hour = (hour % 12) + (pm ? 12 : 0);
  const local = Date.UTC(year, month, day, hour, minute, second);
  const utc = offset !== undefined ? local - offset * 60_000 : fromZone(local, timeZone);
  const d = new Date(utc);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A wall-clock time of the zone (as if it were UTC) to the instant it names. */
function fromZone(local: number, timeZone: string): number {
  const guess = local - zoneOffset(local, timeZone);
  return local - zoneOffset(guess, timeZone);
}

function zoneOffset(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at / 1000) * 1000;
}
