import { replyAddress } from '../../../src/auth/token';
import { buildMail } from '../../support/mails';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
type Row = { kind: string; to_address: string; subject: string; text: string; in_reply_to: string | null; references_json: string };

async function setup() {
  const h = intakeHarness({ engineers: ENGINEERS });
  const first = buildMail({ from: 'Иван <ivan@customer.test>', to: 'support@example.test', subject: 'Не работает вход', body: 'Помогите.' });
  await h.intake.process({ raw: first.raw, mailbox: mb, receivedAt: h.clock.now() });
  const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
  /** Anna answers the notification from her mail client. */
  const engineer = (body: string, o: { to?: string; from?: string; subject?: string; headers?: string } = {}) => {
    const m = buildMail({ from: o.from ?? 'Анна <anna@vendor.test>', to: o.to ?? token, subject: o.subject ?? 'Re: [SUP-2026-000001] Не работает вход', body });
    const raw = o.headers ? Buffer.from(m.raw.toString('latin1').replace('MIME-Version: 1.0', `${o.headers}\r\nMIME-Version: 1.0`), 'latin1') : m.raw;
    return h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() });
  };
  const ticket = () => h.all<{ status: string; priority: string | null; line: string; assignee: string | null }>('SELECT status, priority, line, assignee FROM tickets WHERE id = 1')[0];
  const sent = (kind: string) => h.all<Row>('SELECT * FROM outbox WHERE kind = ? ORDER BY id', kind);
  const events = (type: string) => h.all<{ data_json: string }>('SELECT data_json FROM events WHERE type = ? ORDER BY id', type).map((e) => JSON.parse(e.data_json));
  return { h, first, token, engineer, ticket, sent, events };
}

test('#status awaiting_info with a question: applied, the question reaches the customer in their thread, the engineer gets a confirmation', async () => {
  const s = await setup();
  const out = await s.engineer('#status awaiting_info\n#priority P2\n\nУточните, пожалуйста, версию программы.\n\nOn Fri, 20 Nov 2026 at 12:30, Support <support@example.test> wrote:\n> Новое обращение SUP-2026-000001');
  expect(out).toMatchObject({ outcome: 'command', applied: ['#status awaiting_info', '#priority P2'], refused: [], relayed: true, status: 'awaiting_info' });
  expect(s.ticket()).toMatchObject({ status: 'awaiting_info', priority: 'high' });
  const [relay] = s.sent('relay');
  expect(relay.to_address).toBe('ivan@customer.test');
  expect(relay.subject).toBe('[SUP-2026-000001] Не работает вход');
  expect(relay.in_reply_to).toBe(s.first.messageId);
  expect(JSON.parse(relay.references_json)).toContain(s.first.messageId);
  expect(relay.text).toContain('Уточните, пожалуйста, версию программы.');
  expect(relay.text).toContain('Пожалуйста, пришлите запрошенную информацию');
  expect(relay.text).not.toContain('#status');
  expect(relay.text).not.toContain('anna@vendor.test'); // the engineer's address is not exposed
  expect(relay.text).not.toContain('Новое обращение'); // nor the quoted notification
  const [confirm] = s.sent('confirm');
  expect(confirm.to_address).toBe('anna@vendor.test');
  expect(confirm.text).toContain('✓ #status awaiting_info');
  expect(confirm.text).toContain('Клиенту отправлено ваше сообщение.');
  expect(s.events('command.applied').map((e) => e.command)).toEqual(['#status awaiting_info', '#priority P2']);
  s.h.close();
});

test('#note never reaches the customer', async () => {
  const s = await setup();
  expect(await s.engineer('#note\nКлиент звонил, это у них сеть.')).toMatchObject({ outcome: 'command', relayed: false });
  expect(s.sent('relay')).toEqual([]);
  expect(s.sent('confirm')[0].text).toContain('Клиенту ничего не отправлено.');
  s.h.close();
});

test('one bad command: nothing of the message is applied or sent, the engineer is told why', async () => {
  const s = await setup();
  const out = await s.engineer('#status resolved\n#priority urgent\n\nРешено.');
  expect(out).toMatchObject({ outcome: 'command', applied: [], relayed: false, refused: [{ source: '#priority urgent', reason: expect.stringContaining('priority must be one of') }] });
  expect(s.ticket().status).toBe('new');
  expect(s.sent('relay')).toEqual([]);
  expect(s.sent('confirm')[0].text).toContain('✗ #priority urgent — priority must be one of');
  s.h.close();
});

test('an engineer\'s From without a token or a trusted DKIM pass changes nothing; the real engineer is told', async () => {
  const s = await setup();
  const out = await s.engineer('#status closed\n\nЗакрываю.', { to: 'support@example.test' });
  expect(out).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('a valid reply token for SUP-2026-000001') });
  expect(s.ticket().status).toBe('new');
  expect(s.sent('relay')).toEqual([]);
  const [confirm] = s.sent('confirm');
  expect(confirm.to_address).toBe('anna@vendor.test');
  expect(confirm.text).toContain('НЕ применено');
  expect(s.events('command.unauthenticated')).toHaveLength(1);
  expect(s.h.all('SELECT id FROM messages WHERE ticket_id = 1')).toHaveLength(2); // kept as an unverified note
  s.h.close();
});

test('a token made for another engineer does not authenticate this one', async () => {
  const s = await setup();
  const boris = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'boris@vendor.test');
  expect(await s.engineer('#status closed', { to: boris })).toMatchObject({ outcome: 'rejected' });
  s.h.close();
});

test('DKIM/DMARC pass stamped by our trusted server authenticates; the same header from elsewhere does not', async () => {
  const s = await setup();
  const stamped = (id: string) => `Authentication-Results: ${id}; dkim=pass header.d=vendor.test header.s=mail; spf=pass`;
  expect(await s.engineer('#status in_progress', { to: 'support@example.test', headers: stamped('evil.example') })).toMatchObject({ outcome: 'rejected' });
  expect(await s.engineer('#status in_progress', { to: 'support@example.test', headers: stamped('mx.vendor.test') })).toMatchObject({ outcome: 'command', applied: ['#status in_progress'] });
  expect(s.ticket().status).toBe('in_progress');
  s.h.close();
});

test('a plain answer (no commands) goes to the customer and starts the work', async () => {
  const s = await setup();
  expect(await s.engineer('Добрый день! Смотрим.')).toMatchObject({ outcome: 'command', applied: [], relayed: true, status: 'in_progress' });
  expect(s.ticket().status).toBe('in_progress');
  s.h.close();
});

test('#escalate hands the request to another line, whose engineers are notified; #wait suspends with its reason', async () => {
  const s = await setup();
  await s.engineer('#escalate L2\n#wait third_party ждём ответ вендора\n\nПередали специалистам.');
  expect(s.ticket()).toMatchObject({ status: 'suspended', line: 'L2', assignee: null });
  expect(s.sent('notify-new').map((r) => r.to_address)).toEqual(['anna@vendor.test', 'boris@vendor.test']);
  const [relay] = s.sent('relay');
  expect(relay.text).toContain('Работа по обращению приостановлена. Причина: third_party (ждём ответ вендора)');
  s.h.close();
});

test('the customer answering after awaiting_info: back in progress and the engineer hears of it', async () => {
  const s = await setup();
  await s.engineer('#status awaiting_info\n#assign anna@vendor.test\n\nКакая версия?');
  const answer = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'Re: [SUP-2026-000001] Не работает вход', body: 'Версия 5.2' });
  expect(await s.h.intake.process({ raw: answer.raw, mailbox: mb, receivedAt: s.h.clock.now() })).toMatchObject({ outcome: 'appended', status: 'in_progress' });
  expect(s.sent('notify-followup').map((r) => r.to_address)).toEqual(['anna@vendor.test']);
  s.h.close();
});

describe('fail closed on commands: a line that looks like a command but is not one refuses the whole message', () => {
  test.each([
    ['# note', 'malformed: a space between # and the command'],
    ['\u200b#note', 'invisible characters (U+200B)'],
    ['\ufeff\u200b#note', 'invisible characters (U+200B)'],
    ['\uff03note', 'full-width or other compatibility characters (U+FF03)'],
    ['#n\u043ete', 'look-alike letters (U+043E)'],
  ])('%j: nothing applied, nothing relayed, the engineer told why', async (line, why) => {
    const s = await setup();
    const out = await s.engineer(`${line}\nКлиент звонил, у них сеть. Мобильный директора: +7 900 000-00-00.`);
    expect(out).toMatchObject({ outcome: 'command', applied: [], relayed: false, refused: [expect.objectContaining({ reason: expect.stringContaining(why) })] });
    expect(s.sent('relay')).toEqual([]);
    expect(s.ticket().status).toBe('new');
    const [confirm] = s.sent('confirm');
    expect(confirm.text).toContain(why);
    expect(confirm.text).toContain('Клиенту ничего не отправлено.');
    expect(s.events('command.refused')).toHaveLength(1);
    s.h.close();
  });

  test('a #note further down, after a greeting, is refused rather than relayed; the same note at the top stays internal', async () => {
    const s = await setup();
    expect(await s.engineer('Коллеги,\n#note клиент сложный, звонить только директору')).toMatchObject({ relayed: false, refused: [expect.objectContaining({ source: '#note клиент сложный, звонить только директору' })] });
    expect(await s.engineer('#note клиент сложный, звонить только директору')).toMatchObject({ relayed: false, refused: [], applied: ['#note клиент сложный, звонить только директору'] });
    expect(s.sent('relay')).toEqual([]);
    s.h.close();
  });

  test('a command the customer wrote into the subject is not the engineer\'s: a plain answer does not run it', async () => {
    const h = intakeHarness({ engineers: ENGINEERS });
    const first = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'Вход #status closed', body: 'Помогите.' });
    await h.intake.process({ raw: first.raw, mailbox: mb, receivedAt: h.clock.now() });
    const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
    const reply = (subject: string, body: string) => h.intake.process({ raw: buildMail({ from: 'anna@vendor.test', to: token, subject, body }).raw, mailbox: mb, receivedAt: h.clock.now() });
    expect(await reply('Re: [SUP-2026-000001] Вход #status closed', 'Смотрим.')).toMatchObject({ applied: [], relayed: true, status: 'in_progress' });
    expect(await reply('Re: [SUP-2026-000001] Вход #status closed #status resolved', 'Готово.')).toMatchObject({ applied: ['#status resolved'], status: 'resolved' }); // the engineer's own
    h.close();
  });
});

describe('a reply with no new text relays nothing: our internal notification never reaches the customer', () => {
  /** The notification Anna got, as her mail client quotes it. */
  const styles: [string, (n: string, answer: string) => string][] = [
    ['Gmail "On … wrote:" with ">"', (n, a) => `${a}\n\nOn Fri, 20 Nov 2026 at 12:30, Support <support@example.test> wrote:\n${n.split('\n').map((l) => `> ${l}`).join('\n')}`],
    ['Outlook "-----Original Message-----", no ">"', (n, a) => `${a}\n\n-----Original Message-----\nFrom: Служба поддержки <support@example.test>\nSent: Friday, November 20, 2026 12:30 PM\nTo: anna@vendor.test\nSubject: [SUP-2026-000001] Не работает вход\n\n${n}`],
    ['Outlook "От: … Отправлено: …" block, no ">"', (n, a) => `${a}\n\n________________________________\nОт: Служба поддержки <support@example.test>\nОтправлено: 20 ноября 2026 г. 12:30\nКому: anna@vendor.test\nТема: [SUP-2026-000001] Не работает вход\n\n${n}`],
    ['a quote header we do not know, no ">"', (n, a) => `${a}\n\nСлужба поддержки | 20.11.2026 12:30\n\n${n}`],
    ['the notification pasted with no header at all', (n, a) => `${a}\n\n${n}`],
  ];

  test.each(styles)('%s: only quoted → nothing relayed (event, confirmation); with an answer above → the answer alone', async (_name, quote) => {
    const s = await setup();
    const [note] = s.sent('notify-new');
    expect(await s.engineer(quote(note.text, ''))).toMatchObject({ outcome: 'command', applied: [], refused: [], relayed: false });
    expect(s.sent('relay')).toEqual([]);
    expect(s.events('reply.empty')).toHaveLength(1);
    expect(s.sent('confirm')[0].text).toContain('Клиенту ничего не отправлено.');
    expect(s.ticket().status).toBe('new'); // nothing was answered

    expect(await s.engineer(quote(note.text, 'Добрый день! Смотрим, вернёмся через час.'))).toMatchObject({ relayed: true, status: 'in_progress' });
    const [relay] = s.sent('relay');
    expect(relay.text).toContain('Добрый день! Смотрим, вернёмся через час.');
    for (const internal of ['Новое обращение', 'Линия:', 'Приоритет:', 'Ответьте на это письмо', 'Команды', '##-', 'Помогите.']) expect(relay.text).not.toContain(internal);
    s.h.close();
  });

  test('an HTML-only reply (Gmail blockquote, Outlook div) that only quotes relays nothing; with an answer above, the answer alone', async () => {
    const s = await setup();
    const [note] = s.sent('notify-new');
    const html = (answer: string, outlook: boolean) => {
      const quoted = note.text.split('\n').map((l) => `${l}<br>`).join('\n');
      const body = outlook
        ? `<html><body><div>${answer}</div><div style="border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> Служба поддержки &lt;support@example.test&gt;<br><b>Sent:</b> Friday, November 20, 2026 12:30 PM<br><b>To:</b> anna@vendor.test<br><b>Subject:</b> [SUP-2026-000001] Не работает вход</p></div><div>${quoted}</div></body></html>`
        : `<div dir="ltr">${answer}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Fri, 20 Nov 2026 at 12:30, Служба поддержки &lt;support@example.test&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">${quoted}</blockquote></div>`;
      const m = buildMail({ from: 'Анна <anna@vendor.test>', to: s.token, subject: 'Re: [SUP-2026-000001] Не работает вход', body });
      return s.h.intake.process({ raw: Buffer.from(m.raw.toString('latin1').replace('Content-Type: text/plain', 'Content-Type: text/html'), 'latin1'), mailbox: mb, receivedAt: s.h.clock.now() });
    };
    for (const outlook of [false, true]) expect(await html('', outlook)).toMatchObject({ refused: [], relayed: false });
    expect(s.sent('relay')).toEqual([]);
    expect(s.events('reply.empty')).toHaveLength(2);
    expect(await html('Добрый день! Смотрим.', true)).toMatchObject({ relayed: true });
    const [relay] = s.sent('relay');
    expect(relay.text).toContain('Добрый день! Смотрим.');
    expect(relay.text).not.toContain('Новое обращение');
    expect(relay.text).not.toContain('Линия:');
    s.h.close();
  });

  test('the notification attached as a message (Outlook "attach original"), not quoted, is not relayed', async () => {
    const s = await setup();
    const [note] = s.sent('notify-new');
    const b = 'b-attached';
    const head = buildMail({ from: 'Анна <anna@vendor.test>', to: s.token, subject: 'Re: [SUP-2026-000001] Не работает вход', body: '' }).raw.toString('latin1').split('\r\n\r\n')[0];
    const raw = Buffer.from(
      [
        head.replace(/Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit/, `Content-Type: multipart/mixed; boundary="${b}"`),
        '',
        `--${b}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        '',
        `--${b}`,
        'Content-Type: message/rfc822',
        '',
        'From: support@example.test',
        'Subject: [SUP-2026-000001] Не работает вход',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        Buffer.from(note.text, 'utf8').toString('latin1'),
        `--${b}--`,
        '',
      ].join('\r\n'),
      'latin1',
    );
    expect(await s.h.intake.process({ raw, mailbox: mb, receivedAt: s.h.clock.now() })).toMatchObject({ relayed: false });
    expect(s.sent('relay')).toEqual([]);
    s.h.close();
  });

  test('without the marker (a template of our own, an old notification), text of our internal mail is refused, never relayed', async () => {
    const s = await setup();
    const [note] = s.sent('notify-new');
    const unmarked = note.text.split('\n').slice(1).join('\n');
    const out = await s.engineer(`Смотрим.\n\nСлужба поддержки | 20.11.2026 12:30\n\n${unmarked}`);
    expect(out).toMatchObject({ applied: [], relayed: false, refused: [expect.objectContaining({ reason: expect.stringContaining('text of our internal mail to engineers') })] });
    expect(s.sent('relay')).toEqual([]);
    expect(s.sent('confirm')[0].text).toContain('Клиенту ничего не отправлено.');
    // The customer's own words, quoted back to them, are no internal text.
    expect(await s.engineer('Вы писали: «Помогите.» Смотрим.\nПомогите.')).toMatchObject({ relayed: true });
    s.h.close();
  });
});
