import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

export type Language = 'ru' | 'en';

/** Plain-text handlebars templates: <dir>/<name>.<lang>.hbs, compiled once, re-read by clear(). */
export class Templates {
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();
  constructor(private readonly dir: string) {}

  render(name: string, lang: Language, data: Record<string, unknown>): string {
    const file = path.join(this.dir, `${name}.${lang}.hbs`);
    let tpl = this.cache.get(file);
    if (!tpl) {
      tpl = Handlebars.compile(fs.readFileSync(file, 'utf8'), { noEscape: true, strict: true });
      this.cache.set(file, tpl);
    }
    return tpl(data);
  }

  clear(): void {
    this.cache.clear();
  }
}

const DATE_LOCALE: Record<Language, string> = { ru: 'ru-RU', en: 'en-GB' };

/** "22.11.2026, 05:47 (Europe/Moscow)" — a time as the customer reads it. */
export function formatLocalTime(at: Date, timeZone: string, lang: Language): string {
  return `${localFormat(timeZone, lang).format(at)} (${timeZone})`;
}

/** One formatter per zone and language: building an Intl.DateTimeFormat costs more than using it. */
const formats = new Map<string, Intl.DateTimeFormat>();
function localFormat(timeZone: string, lang: Language): Intl.DateTimeFormat {
  const key = `${timeZone}|${lang}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(DATE_LOCALE[lang], { timeZone, year: 'numeric', month: lang === 'ru' ? '2-digit' : 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(key, f);
  }
  return f;
}
