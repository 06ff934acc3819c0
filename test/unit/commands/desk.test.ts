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
