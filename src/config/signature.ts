import { convert as htmlToText } from 'html-to-text';
import { z } from 'zod';
import { sanitize, textToHtml } from '../mail/sanitize';

/**
 * `mailboxes[].signature`: what is added below each mail to a customer from
 * this mailbox (not below notifications to engineers). Both forms optional:
 * the HTML is sanitised here, at load (mail/sanitize.ts: no scripts, no
 * remote images); without html it is the text, escaped; without text it is
 * the HTML's text.
 */
export const signatureSchema = z
  .strictObject({
    text: z.string().trim().min(1).optional(),
    html: z.string().trim().min(1).optional(),
  })
  .refine((s) => s.text !== undefined || s.html !== undefined, { message: 'give text, html or both' })
  .transform((s) => {
    const html = s.html !== undefined ? sanitize(s.html) : textToHtml(s.text!);
    const text = s.text ?? htmlToText(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }] });
    return { text, html };
  })
  .optional();
