import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';
import { textToHtml } from '../mail/sanitize';

export type Language = 'ru' | 'en';

/** One mail's two parts: the text, and the HTML rendered from the same values. */
export interface Rendered {
  text: string;
  html: string;
}

/** A mailbox's signature, both forms ready (config `mailboxes[].signature`: the HTML sanitised at load). */
export type Signature = Rendered;

/** Escaping on: every value is text; `{{lines text}}` keeps a value's line breaks; `{{{…}}}` only for HTML we made safe. */
const htmlBars = Handlebars.create();
htmlBars.registerHelper('lines', (s: unknown) => new Handlebars.SafeString(textToHtml(String(s ?? ''))));

/**
 * Handlebars templates, compiled once, re-read by clear(): the text of each
 * mail in <dir>/<name>.<lang>.hbs (no escaping), its HTML in
 * <dir>/<name>.<lang>.html.hbs (escaping on), put in <dir>/layout.html.hbs
 * and its CSS inlined (juice), as mail clients drop <style>.
 */
export class Templates {
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();
  constructor(private readonly dir: string) {}

  render(name: string, lang: Language, data: Record<string, unknown>): string {
    return this.compiled(`${name}.${lang}.hbs`, Handlebars, true)(data);
  }

  /** The HTML of a mail: its template's fragment in the layout, CSS inlined. */
  renderHtml(name: string, lang: Language, data: Record<string, unknown>, signature?: Signature | null): string {
    return this.page(`${name}.${lang}.html.hbs`)({ ...data, lang, signature: signature?.html ?? '' });
  }

  /** Both parts of a mail; a customer's mail passes the mailbox's signature, added below either. */
  both(name: string, lang: Language, data: Record<string, unknown>, signature?: Signature | null): Rendered {
    const text = this.render(name, lang, data);
    return {
      text: signature?.text ? `${text.trimEnd()}\n\n${signature.text.trim()}\n` : text,
      html: this.renderHtml(name, lang, data, signature),
    };
  }

  clear(): void {
    this.cache.clear();
  }

  private compiled(file: string, bars: typeof Handlebars, noEscape: boolean): HandlebarsTemplateDelegate {
    const full = path.join(this.dir, file);
    let tpl = this.cache.get(full);
    if (!tpl) {
      tpl = bars.compile(fs.readFileSync(full, 'utf8'), { noEscape, strict: true });
      this.cache.set(full, tpl);
    }
    return tpl;
  }

  /**
   * The fragment put in the layout and its CSS inlined once, in the template's source (inlining is about a
   * hundred times the cost of rendering): the handlebars tags are text to juice, as no template puts one in a
   * tag or an attribute other than the layout's lang.
   */
  private page(file: string): HandlebarsTemplateDelegate {
    const key = `page:${path.join(this.dir, file)}`;
    let tpl = this.cache.get(key);
    if (!tpl) {
      const layout = fs.readFileSync(path.join(this.dir, 'layout.html.hbs'), 'utf8');
      const fragment = fs.readFileSync(path.join(this.dir, file), 'utf8');
      const source = juice(layout.replace('{{{content}}}', () => fragment), { removeStyleTags: true, preserveMediaQueries: false, xmlMode: false });
      tpl = htmlBars.compile(source, { strict: true });
      this.cache.set(key, tpl);
    }
    return tpl;
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
