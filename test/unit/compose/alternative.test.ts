/**
 * Every mail we send has a text and an HTML part saying the same (issue 14,
 * part 3). "The same" is expectAlternative's: the HTML read back by
 * html-to-text and the text, white space made single spaces, are equal.
 */
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { replyAddress } from '../../../src/auth/token';
import { TEMPLATE_NAMES } from '../../../src/config/load';
import { signatureSchema } from '../../../src/config/signature';
import { Notifier } from '../../../src/compose/notify';
import { Templates, type Language } from '../../../src/compose/templates';
import { root } from '../../support/env';
import { buildMail } from '../../support/mails';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';
import { expectAlternative, htmlAsText, sameWords } from '../../support/alternative';

const templates = new Templates(path.join(root, 'templates'));
const HOSTILE = '<script>alert("x")</script> & <b>bold</b> {{number}}';
const SIGNATURE = signatureSchema.parse({ text: 'ООО «Ромашка»\n+7 495 000-00-00', html: '<b>ООО «Ромашка»</b><br>+7 495 000-00-00<img src="https://evil.test/t.gif"><script>x()</script>' })!;

/** Values for every template: each flag on (`on`) or off, and the customer's words hostile. */
function values(on: boolean): Record<string, unknown> {
  const flag = on;
  return {
    number: 'SUP-2026-000001', subject: HOSTILE, receivedAt: '20.11.2026, 12:30 (Europe/Moscow)', customerName: on ? 'Иван <i>' : '', supportName: 'Support & Co',
    missing: on ? ['номер договора', 'версия <5.2>'] : [], customer: 'Иван <ivan@customer.test>', line: 'L1', priority: on ? 'high' : '', plan: on ? 'extended' : '',
    severity: 'medium', reactionDue: '—', resolutionDue: on ? '21.11.2026' : '', status: on ? 'in_progress' : '', strangerTo: on ? 'SUP-2026-000009' : '',
    attachments: on ? 'screen.png (10 B)' : '', text: `Строка 1 ${HOSTILE}\nСтрока 2\n\n> цитата`, body: on ? `Ответ ${HOSTILE}\nвторая строка` : '',
    bodyHtml: on ? 'Ответ &lt;script&gt;<br>вторая строка' : '', awaiting_info: flag, suspended: flag, resolved: flag, reason: 'customer_unreachable', comment: on ? 'нет связи' : '',
    rejected: on ? 'no token' : '', applied: on ? ['#status resolved'] : [], refused: on ? [{ source: '#x', reason: 'unknown <command>' }] : [], relayed: flag,
    responsible: 'Анна', updatedAt: '20.11.2026', createdAt: '19.11.2026', max: 2, open: 'SUP-2026-000001 (x)', address: 'a@b.test', breach: flag, reaction: flag,
    repeat: on ? '1' : '', percent: 75, due: '20.11.2026', since: '18.11.2026', expires: on ? '25.11.2026' : '', close: flag, expired: flag, held: 12, minutes: 10,
    until: '20.11.2026, 13:00', command: 'helpdesk outbox list --held',
    notes: on ? ['olga@customer.test was on the request already'] : [], participants: on ? ['olga@customer.test', 'petr@customer.test <x>'] : [],
    forwarded: false, forwardAddress: on ? 'support+f.abc@example.test' : '',
  };
}

describe('every template, in each language, flags on and off', () => {
  const cases = TEMPLATE_NAMES.flatMap((name) => (['ru', 'en'] as Language[]).flatMap((lang) => [true, false].map((on) => [name, lang, on] as const)));
  test.each(cases)('%s.%s (flags %s): an HTML part saying what the text says, values escaped', (name, lang, on) => {
    const data = values(on);
    if (name === 'relay' && on) data.body = 'Ответ <script>\nвторая строка'; // bodyHtml is the body's HTML
    const both = templates.both(name, lang, data);
    expectAlternative([{ kind: name, ...both }]);
    expect(both.html).not.toMatch(/<script|<b>bold|<i>/);
  });

  test.each(['ru', 'en'] as Language[])('confirm.%s of a forward (opened, known) and of a reply with notes says the same in both parts', (lang) => {
    for (const forwarded of [{ customer: 'Иван <ivan@customer.test>', known: '', notified: false, suppressed: 'silent <by default>' }, { customer: 'x', known: 'SUP-2026-000002', notified: false, suppressed: '' }, false]) {
      const data = { ...values(true), rejected: '', forwarded };
      expectAlternative([{ kind: 'confirm', ...templates.both('confirm', lang, data) }]);
    }
  });

  test('a signature goes below both parts, its HTML sanitised at load', () => {
    expect(SIGNATURE.html).toBe('<b>ООО «Ромашка»</b><br />+7 495 000-00-00');
    const both = templates.both('registration', 'ru', values(true), SIGNATURE);
    expectAlternative([{ kind: 'registration', ...both }]);
    expect(both.text.trimEnd().endsWith('ООО «Ромашка»\n+7 495 000-00-00')).toBe(true);
    expect(both.html).toMatch(/<div class="signature"[^>]*><b[^>]*>ООО «Ромашка»<\/b><br ?\/?>\+7 495 000-00-00<\/div>/);
  });

  test('a signature of text only is escaped for the HTML; of HTML only, its text is the HTML\'s', () => {
    expect(signatureSchema.parse({ text: 'A & B <support>\nline 2' })).toEqual({ text: 'A & B <support>\nline 2', html: 'A &amp; B &lt;support&gt;<br>\nline 2' });
    expect(signatureSchema.parse({ html: '<p>A &amp; B</p><p onclick="x()">two</p>' })).toEqual({ text: 'A & B\n\ntwo', html: '<p>A &amp; B</p><p>two</p>' });
    expect(signatureSchema.safeParse({}).success).toBe(false);
    expect(signatureSchema.parse(undefined)).toBeUndefined();
  });
});

type Row = { kind: string; to_address: string; text: string; html: string | null };
const signed = mailbox({ signature: SIGNATURE });

async function conversation() {
  const h = intakeHarness({ engineers: ENGINEERS });
  const first = buildMail({ from: 'Иван <ivan@customer.test>', to: 'support@example.test', subject: 'Не работает <вход>', body: 'Помогите.\nОшибка <500> & всё.' });
  await h.intake.process({ raw: first.raw, mailbox: signed, receivedAt: h.clock.now() });
  const rows = (kind: string) => h.all<Row>('SELECT kind, to_address, text, html FROM outbox WHERE kind = ? ORDER BY id', kind);
  const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
  /** Anna answers from a mail client that writes both parts. */
  const answer = async (text: string, html: string) => {
    const raw = await new MailComposer({ from: 'Анна <anna@vendor.test>', to: token, subject: 'Re: [SUP-2026-000001] Не работает <вход>', text, html }).compile().build();
    return h.intake.process({ raw, mailbox: signed, receivedAt: h.clock.now() });
  };
  return { h, rows, answer };
}

test('registration, notify-new, notify-followup, notify-bounce, relay and confirm: both parts; the signature only on the customer\'s', async () => {
  const { h, rows, answer } = await conversation();
  await h.intake.process({ raw: buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'Re: [SUP-2026-000001] Не работает <вход>', body: 'Ещё: версия 5.2.' }).raw, mailbox: signed, receivedAt: h.clock.now() });
  await answer('Перезапустите службу.', '<p>Перезапустите <b>службу</b>.</p>');
  h.db.transaction((tx) => new Notifier(templates, ENGINEERS, TOKEN_SECRET).queue(tx, { kind: 'bounce', ticketId: 1, mailbox: signed, mail: { from: { address: 'mailer-daemon@customer.test', name: '' }, subject: 'Undelivered', text: 'ivan@customer.test: 5.1.1 user unknown <x>' }, at: h.clock.now() }));
  const kinds = ['registration', 'notify-new', 'notify-followup', 'notify-bounce', 'relay', 'confirm'];
  for (const kind of kinds) expect({ kind, n: rows(kind).length }).toEqual({ kind, n: 1 });
  expectAlternative(kinds.flatMap(rows));
  for (const kind of ['registration', 'relay']) {
    const [r] = rows(kind);
    expect(r.text).toContain('ООО «Ромашка»\n+7 495 000-00-00');
    expect(r.html).toMatch(/ООО «Ромашка»<\/b><br ?\/?>\+7 495 000-00-00/);
  }
  for (const kind of ['notify-new', 'notify-followup', 'notify-bounce', 'confirm']) expect(rows(kind)[0].text + rows(kind)[0].html).not.toContain('Ромашка');
  expect(rows('registration')[0].html).toContain('Не работает &lt;вход&gt;'); // the customer's words are text
  expect(rows('notify-new')[0].html).toContain('Ошибка &lt;500&gt; &amp; всё.');
  expect(rows('relay')[0].html).toMatch(/<p[^>]*>Перезапустите <b[^>]*>службу<\/b>\.<\/p>/); // the engineer's own HTML
  h.close();
});

test('an engineer\'s HTML answer: scripts, handlers, forms, remote images and CSS url() go, a cid: image stays, the commands and the quoted history go', async () => {
  const { h, rows, answer } = await conversation();
  const text = '#status awaiting_info\n\nПришлите, пожалуйста, лог.\n[image: screen.png]\n\nOn Fri, 20 Nov 2026 at 12:30, Support <support@example.test> wrote:\n> Новое обращение SUP-2026-000001\n> Помогите.';
  const html =
    '<div>#status awaiting_info</div><div><br></div><div onmouseover="steal()">Пришлите, <span style="color:red;background:url(https://evil.test/bg.png)">пожалуйста</span>, лог.<script>alert(1)</script></div>' +
    '<div><img src="cid:screen@vendor.test" alt="screen.png"><img src="https://evil.test/track.gif" onerror="alert(2)"></div><form action="https://evil.test/"><input name="p"></form>' +
    '<div class="gmail_quote"><div class="gmail_attr">On Fri, 20 Nov 2026 at 12:30, Support &lt;support@example.test&gt; wrote:</div><blockquote class="gmail_quote" type="cite">Новое обращение SUP-2026-000001<br>Помогите.</blockquote></div>';
  expect(await answer(text, html)).toMatchObject({ outcome: 'command', relayed: true, status: 'awaiting_info' });
  const [relay] = rows('relay');
  expectAlternative([relay]);
  expect(relay.html).not.toMatch(/script|alert|onmouseover|onerror|evil|url\(|<form|<input|#status|Новое обращение|Помогите|wrote/i);
  expect(relay.html).toMatch(/<img src="cid:screen@vendor\.test" ?\/?>/);
  expect(relay.html).toMatch(/<span style="color: ?red;?">пожалуйста<\/span>/);
  expect(relay.text).toContain('Пришлите, пожалуйста, лог.');
  expect(relay.text).not.toContain('#status');
  expect(h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'reply.relayed'").map((e) => JSON.parse(e.data_json).html)).toEqual(['own']);
  h.close();
});

test('forged: an HTML part with words the text part has not (a hidden #note, a forged quote amid the answer) is not relayed; the text goes as HTML', async () => {
  const { h, rows, answer } = await conversation();
  const html = '<p>Готово.</p><p style="display:none">#note клиент грубит</p><blockquote>не цитата</blockquote><p>Спасибо.</p>';
  expect(await answer('Готово.\n\nСпасибо.', html)).toMatchObject({ outcome: 'command', relayed: true });
  const [relay] = rows('relay');
  expectAlternative([relay]);
  expect(relay.html).not.toMatch(/грубит|#note|display/);
  expect(sameWords(htmlAsText(relay.html!))).toContain('Готово. Спасибо.');
  expect(h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'reply.relayed'").map((e) => JSON.parse(e.data_json).html)).toEqual(['text']);
  h.close();
});

test('an outbox row from before HTML (html null) is sent as text only', async () => {
  const { recordingOutbox } = await import('../../support/services');
  const h = intakeHarness();
  h.db.$client
    .prepare("INSERT INTO outbox (kind, mailbox, message_id, from_address, from_name, to_address, subject, text, next_attempt_at, created_at) VALUES ('registration','support','<old@x>','support@example.test','S','ivan@customer.test','s','old text','2026-01-01','2026-01-01')")
    .run();
  await h.intake.process({ raw: buildMail({ from: 'olga@customer.test', to: 'support@example.test', subject: 'new', body: 'x' }).raw, mailbox: mailbox(), receivedAt: h.clock.now() });
  const { worker, sent } = recordingOutbox(h);
  await worker.flush();
  expect(sent.map((m) => [m.to, m.html === null || m.html === undefined ? 'text only' : 'html'])).toEqual([['ivan@customer.test', 'text only'], ['olga@customer.test', 'html']]);
  h.close();
});

test('a customer\'s HTML mail (a <script>, a remote image, markup in the subject) reaches the engineers\' HTML as text only', async () => {
  const h = intakeHarness({ engineers: ENGINEERS });
  const raw = await new MailComposer({
    from: 'Иван <ivan@customer.test>',
    to: 'support@example.test',
    subject: '<img src=https://evil.test/s.gif> вход',
    html: '<p>Не работает <b>вход</b>.</p><script>alert(1)</script><img src="https://evil.test/t.gif" onerror="alert(2)"><p style="background:url(https://evil.test/b.png)">Ошибка 500.</p>',
  }).compile().build();
  await h.intake.process({ raw, mailbox: signed, receivedAt: h.clock.now() });
  const rows = h.all<Row>("SELECT kind, to_address, text, html FROM outbox WHERE kind IN ('registration', 'notify-new') ORDER BY kind DESC");
  expect(rows.map((r) => r.kind)).toEqual(['registration', 'notify-new']);
  expectAlternative(rows);
  for (const r of rows) expect(r.html).not.toMatch(/<script|<img|onerror|url\(|<b>вход/);
  expect(rows[1].html).toContain('Не работает вход.');
  expect(rows[0].html).toContain('&lt;img src&#x3D;https://evil.test/s.gif&gt; вход'); // the subject, as text
  h.close();
});
