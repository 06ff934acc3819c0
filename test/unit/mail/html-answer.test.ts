import { answerHtml } from '../../../src/mail/html-answer';
import { sanitize } from '../../../src/mail/sanitize';
import { htmlAsText, sameWords } from '../../support/alternative';


describe('sanitize', () => {
  test('a <script>, an event handler, a form, frames and objects do not survive; the text around them does', () => {
    const out = sanitize(
      '<p onclick="steal()">Hello <b onmouseover="x()">there</b></p><script>alert(1)</script><img src="cid:x" onerror="alert(2)">' +
        '<form action="https://evil.test/"><input name="password"><button>Send</button></form>' +
        '<iframe src="https://evil.test/"></iframe><object data="https://evil.test/x.swf"></object><embed src="x"><a href="javascript:alert(3)">link</a>',
    );
    expect(out).not.toMatch(/script|onclick|onmouseover|onerror|alert|<form|<input|<button|<iframe|<object|<embed|javascript:|evil/i);
    expect(out).toContain('Hello <b>there</b>');
    expect(out).toContain('<img src="cid:x" />');
    expect(out).toContain('<a>link</a>');
  });

  test('remote content goes: an <img> from the web, CSS url() in a style, <link>, <base>, <style>; a cid: image stays', () => {
    const out = sanitize(
      '<head><link rel="stylesheet" href="https://evil.test/a.css"><base href="https://evil.test/"><style>p{background:url(https://evil.test/t.png)}</style></head>' +
        '<p style="color: red; background-image: url(http://evil.test/pixel.gif)">Red</p>' +
        '<div style="background:url(&quot;https://evil.test/b.png&quot;)">B</div>' +
        '<img src="https://evil.test/track.gif" width="1"><img src="//evil.test/p.gif"><img src="data:image/png;base64,AAAA">' +
        '<img src="cid:screen@vendor.test" alt="screen">',
    );
    expect(out).not.toMatch(/evil|url\(|<style|<link|<base|data:/i);
    expect(out).toContain('<p style="color:red">Red</p>');
    expect(out).toContain('<img src="cid:screen@vendor.test" />');
    expect(out.match(/<img/g)).toHaveLength(1);
  });

  test('a link to the web stays a link (it loads nothing by itself)', () => {
    expect(sanitize('<a href="https://docs.vendor.test/vpn" onclick="x()">docs</a>')).toBe('<a href="https://docs.vendor.test/vpn">docs</a>');
  });
});

describe('answerHtml: the engineer\'s HTML cut to the words of the text we relay', () => {
  test('Gmail: the gmail_quote with the customer\'s earlier mail is cut, the answer kept with its formatting', () => {
    const html = '<div dir="ltr">Перезапустите <b>службу</b>.<br><img src="cid:ii_1" alt="screen"></div><br><div class="gmail_quote"><div class="gmail_attr">On Fri, 20 Nov 2026 at 12:30, Support &lt;support@example.test&gt; wrote:<br></div><blockquote class="gmail_quote">Новое обращение SUP-2026-000001<br>Помогите.</blockquote></div>';
    const out = answerHtml(html, 'Перезапустите *службу*.\n[image: screen]')!;
    expect(out).toContain('<b>службу</b>');
    expect(out).toContain('<img src="cid:ii_1" />');
    expect(out).not.toMatch(/Новое обращение|Помогите|wrote|gmail/);
  });

  test('the command lines at the top go from the HTML as from the text', () => {
    const html = '<div>#status resolved</div><div>#priority P2</div><div><br></div><div>Исправлено в версии 5.3.</div>';
    const out = answerHtml(html, 'Исправлено в версии 5.3.')!;
    expect(sameWords(htmlAsText(out))).toBe('Исправлено в версии 5.3.');
    expect(out).not.toMatch(/#|status|priority/);
  });

  test('a command line in one text node with the answer: only the answer\'s part of the node stays', () => {
    const out = answerHtml('<p>#status resolved<br>Готово.</p>', 'Готово.')!;
    expect(out).toBe('<p>Готово.</p>');
  });

  test('forged: HTML holding words the text part does not (hidden history, a #note, another mail) is never relayed; the caller sends the text', () => {
    // The words are the text's, but something else sits amid them.
    expect(answerHtml('<p>Готово.</p><p style="display:none">#note клиент грубит</p><p>Спасибо.</p>', 'Готово.\n\nСпасибо.')).toBeNull();
    // The text part says one thing, the HTML another.
    expect(answerHtml('<p>Пароль администратора: hunter2</p>', 'Готово.')).toBeNull();
    // A command line amid the text (the text refuses such a mail; the HTML must not get past it either).
    expect(answerHtml('<p>Готово.</p><p>#assign boris</p><p>Спасибо.</p>', 'Готово.\n\nСпасибо.')).toBeNull();
    expect(answerHtml('<p>x</p>', '')).toBeNull();
  });

  test('forged quoted history after the answer: a blockquote type=cite, an Outlook "From:" block, a bare "wrote:" line are cut', () => {
    const tb = '<p>Готово.</p><div class="moz-cite-prefix">20.11.2026 12:30, Иван пишет:</div><blockquote type="cite">Пароль: hunter2</blockquote>';
    expect(answerHtml(tb, 'Готово.')).toBe('<p>Готово.</p>');
    const outlook = '<div class="WordSection1"><p class="MsoNormal">Готово.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>From:</b> Ivan<br><b>Sent:</b> Friday</p></div><p>Пароль: hunter2</p></div>';
    expect(sameWords(htmlAsText(answerHtml(outlook, 'Готово.')!))).toBe('Готово.');
    const rply = '<div>Готово.</div><hr><div id="divRplyFwdMsg"><b>От:</b> Иван</div><div>Пароль: hunter2</div>';
    expect(answerHtml(rply, 'Готово.')).toBe('<div>Готово.</div>');
  });

});

test('words in attributes the reader does not see (title, alt) do not go to the customer', () => {
  const out = answerHtml('<p>Hello customer<img src="cid:internal" alt="root pw hunter2"> <span title="internal: root pw hunter2">.</span></p>', 'Hello customer.');
  expect(out).not.toBeNull();
  expect(out).not.toMatch(/hunter2|title=|alt=/);
});
