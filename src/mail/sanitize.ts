import sanitizeHtml from 'sanitize-html';

/**
 * HTML written by someone else (an engineer's answer, a signature in the
 * config) made safe to send to a customer. An allow-list: text structure,
 * tables, links and a few inline styles stay; scripts, event handlers,
 * forms, frames, objects, <style> sheets and everything that loads remote
 * content (an <img> whose source is not `cid:`, url() in a style, <link>,
 * <base>) go. `cid:` images stay: they point at parts of the same mail.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'div', 'span', 'br', 'hr', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'sub', 'sup', 'small', 'big', 'font',
    'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'code', 'tt', 'kbd', 'samp', 'blockquote', 'q', 'cite', 'abbr', 'address',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'img',
    'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'colgroup', 'col', 'center',
  ],
  allowedAttributes: {
    '*': ['style', 'align', 'dir', 'lang'], // no title, no alt: words the reader does not see, and the text part has not
    a: ['href', 'name'],
    img: ['src', 'width', 'height'],
    font: ['color', 'size', 'face'],
    td: ['colspan', 'rowspan', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'valign', 'width'],
    table: ['width', 'cellpadding', 'cellspacing', 'border'],
    ol: ['start', 'type'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  // Each value must match whole: a url(), expression() or var() in it never does.
  allowedStyles: {
    '*': {
      color: [/^#[0-9a-f]{3,8}$/i, /^[a-z]+$/i, /^rgba?\(\s*[\d.,\s%]+\)$/i],
      'background-color': [/^#[0-9a-f]{3,8}$/i, /^[a-z]+$/i, /^rgba?\(\s*[\d.,\s%]+\)$/i],
      'font-weight': [/^(?:normal|bold|bolder|lighter|\d{3})$/i],
      'font-style': [/^(?:normal|italic|oblique)$/i],
      'text-decoration': [/^(?:none|underline|line-through|overline)(?:\s+(?:underline|line-through|overline))*$/i],
      'text-align': [/^(?:left|right|center|justify|start|end)$/i],
      'font-size': [/^\d+(?:\.\d+)?(?:px|pt|em|rem|%)$/i],
      'font-family': [/^[\w\s,'"-]+$/],
    },
  },
  // The text of these is dropped with the tag (script and style are by default).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'select', 'button', 'object', 'iframe', 'frameset', 'noframes', 'template', 'svg', 'math'],
  disallowedTagsMode: 'discard',
  // An image that would load from elsewhere is dropped whole (not left without a source).
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? ''),
};

/** The HTML with only what is safe to send kept (see above). */
export function sanitize(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

/** Text as HTML: escaped, each line break a <br>. */
export function textToHtml(text: string): string {
  return escapeHtml(text.replace(/\r\n?/g, '\n')).replace(/\n/g, '<br>\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
