import { expectAlternative } from '../../support/alternative';
/**
 * The SLA clock on requests, with the example config's presets. The fake clock
 * starts on Friday 2026-11-20 09:30 UTC = 12:30 Moscow.
 */
import path from 'node:path';
import { replyAddress } from '../../../src/auth/token';
import { loadConfig } from '../../../src/config/load';
import { slaPolicy } from '../../../src/daemon';
import { showTicket } from '../../../src/cli/tickets-command';
import { buildMail } from '../../support/mails';
import { root } from '../../support/env';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';

const example = loadConfig(path.join(root, 'config', 'helpdesk.example.yaml'), { env: {} }, { secrets: false });
const policy = (over: Partial<NonNullable<ReturnType<typeof slaPolicy>>> = {}) => ({
  ...slaPolicy(example)!,
  organisations: [{ name: 'Ромашка', domains: ['romashka.test'], contacts: [], plan: 'extended' }],
  defaultPlan: 'basic',
  keywords: { critical: ['авария'], high: ['не работает'] },
  ...over,
});
const mb = mailbox();
const HOUR = 3_600_000;

async function request(from: string, subject: string, body = 'Подробности.', sla = policy()) {
  const h = intakeHarness({ engineers: ENGINEERS, sla });
  await h.intake.process({ raw: buildMail({ from, to: 'support@example.test', subject, body }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const t = () => h.all<{ plan: string; severity: string; organisation: string | null; reaction_due: string | null; resolution_due: string | null; reacted_at: string | null; status: string }>('SELECT * FROM tickets')[0];
  const ledger = () => h.all<{ kind: string; start: string; end: string | null; opened_by: string; closed_by: string | null }>('SELECT * FROM sla_intervals ORDER BY id');
  const engineer = (body: string) =>
    h.intake.process({
      raw: buildMail({ from: 'anna@vendor.test', to: replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test'), subject: 'Re: [SUP-2026-000001] x', body }).raw,
      mailbox: mb,
      receivedAt: h.clock.now(),
    });
  const customer = (body: string) => h.intake.process({ raw: buildMail({ from, to: 'support@example.test', subject: 'Re: [SUP-2026-000001] x', body }).raw, mailbox: mb, receivedAt: h.clock.now() });
  return { h, t, ledger, engineer, customer };
}

test('an organisation\'s request gets its plan and the deadlines of its calendar', async () => {
  const r = await request('ivan@romashka.test', 'Вопрос по отчёту');
  // extended × medium: reaction 4 h, resolution 10 working days (90 h); Fri 12:30 leaves 5.5 h that day.
  expect(r.t()).toMatchObject({ plan: 'extended', severity: 'medium', organisation: 'Ромашка', reaction_due: '2026-11-20T13:30:00.000Z', resolution_due: '2026-12-04T09:30:00.000Z' });
  expect(r.ledger()).toEqual([{ kind: 'counted', start: '2026-11-20T09:30:00.000Z', end: null, opened_by: 'ticket.created', closed_by: null, id: 1, ticket_id: 1 }]);
  r.h.close();
});

test('keywords raise the severity; a plan without it handles the request at its highest and says so', async () => {
  const r = await request('ivan@romashka.test', 'Авария на складе');
  expect(r.t()).toMatchObject({ severity: 'critical', reaction_due: '2026-11-20T10:00:00.000Z' }); // 30 min
  r.h.close();
  const b = await request('someone@elsewhere.test', 'Авария');
  expect(b.t()).toMatchObject({ plan: 'basic', severity: 'medium', resolution_due: null });
  const notes = JSON.parse(b.h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'sla.assigned'")[0].data_json).notes;
  expect(notes).toEqual(['severity raised to critical by a keyword', 'plan basic has no severity critical: handled as medium']);
  b.h.close();
});

test('no default plan: a sender of no organisation gets no SLA', async () => {
  const r = await request('someone@elsewhere.test', 'x', 'y', policy({ defaultPlan: null }));
  expect(r.t()).toMatchObject({ plan: null, reaction_due: null });
  expect(r.ledger()).toEqual([]);
  r.h.close();
});

test('waiting for the customer pauses the clock; their answer resumes it and the deadlines move by the paused working time', async () => {
  const r = await request('ivan@romashka.test', 'Вопрос по отчёту');
  r.h.clock.advance(HOUR); // Fri 13:30 MSK
  await r.engineer('#status awaiting_info\n\nКакая версия?');
  expect(r.t()).toMatchObject({ status: 'awaiting_info', reaction_due: null, resolution_due: null, reacted_at: '2026-11-20T10:30:00.000Z' });
  r.h.clock.set('2026-11-23T08:00:00Z'); // Mon 11:00 MSK: paused 4.5 h on Friday + 2 h on Monday = 6.5 working hours
  await r.customer('Версия 5.2');
  expect(r.t().status).toBe('in_progress');
  // Without the pause: Dec 4 12:30 MSK. With 6.5 working hours not counted: Dec 4 12:30 + 6.5 h → Dec 4 has 5.5 h left, 1 h on Mon Dec 7 → 10:00 MSK.
  expect(r.t().resolution_due).toBe('2026-12-07T07:00:00.000Z');
  expect(r.ledger().map((i) => [i.kind, i.start, i.end, i.closed_by])).toEqual([
    ['counted', '2026-11-20T09:30:00.000Z', '2026-11-20T10:30:00.000Z', 'anna@vendor.test: #status awaiting_info'],
    ['paused', '2026-11-20T10:30:00.000Z', '2026-11-23T08:00:00.000Z', 'customer reply'],
    ['counted', '2026-11-23T08:00:00.000Z', null, null],
  ]);
  r.h.close();
});

test('#priority moves the deadlines to the new severity; resolved stops the clock', async () => {
  const r = await request('ivan@romashka.test', 'Вопрос по отчёту');
  await r.engineer('#priority P1\n\nСмотрим срочно.');
  expect(r.t()).toMatchObject({ severity: 'critical', reaction_due: '2026-11-20T10:00:00.000Z', resolution_due: '2026-11-20T13:30:00.000Z' });
  r.h.clock.advance(2 * HOUR);
  await r.engineer('#status resolved\n\nИсправлено.');
  expect(r.t()).toMatchObject({ status: 'resolved', reaction_due: null, resolution_due: null });
  expect(r.ledger().at(-1)).toMatchObject({ kind: 'counted', end: '2026-11-20T11:30:00.000Z' });
  r.h.close();
});

test('the engineers\' notification carries plan, severity and deadlines; tickets show prints the ledger', async () => {
  const r = await request('ivan@romashka.test', 'Вопрос по отчёту');
  const [n] = r.h.all<{ text: string }>("SELECT text FROM outbox WHERE kind = 'notify-new'");
  expect(n.text).toContain('План: extended, важность: medium; реакция до 20.11.2026, 16:30 (Europe/Moscow); решение до 04.12.2026, 12:30 (Europe/Moscow)');
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: {}, stdin: async () => Buffer.alloc(0) };
  expect(showTicket(r.h.db, io, 'SUP-2026-000001', { json: true })).toBe(0);
  expect(JSON.parse(out[0]).sla).toMatchObject({ plan: 'extended', severity: 'medium', ledger: [{ kind: 'counted', start: '2026-11-20T09:30:00.000Z', end: null, openedBy: 'ticket.created' }] });
  out.length = 0;
  showTicket(r.h.db, io, 'SUP-2026-000001', {});
  expect(out.join('\n')).toContain('counted  2026-11-20T09:30:00.000Z → now   opened by ticket.created');
  r.h.close();
});

test('the daemon warns when a calendar has no holiday data for the year', async () => {
  const { Daemon, buildServices } = await import('../../../src/daemon');
  const { FakeClock } = await import('../../../src/clock');
  const { createLogger } = await import('../../../src/log');
  const { tmpDir } = await import('../../support/env');
  const lines: string[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(s) });
  const config = { ...example, data_dir: tmpDir('cal') };
  for (const [now, warned] of [['2026-06-01T12:00:00Z', []], ['2026-12-02T12:00:00Z', [2027]], ['2027-02-01T12:00:00Z', [2027]]] as const) {
    lines.length = 0;
    const clock = new FakeClock(now);
    const services = buildServices(config, clock, log);
    new Daemon(config, services, clock, log).checkCalendars();
    services.db.$client.close();
    const events = lines.map((l) => JSON.parse(l)).filter((e) => e.event === 'sla.calendar.no_holiday_data');
    expect(events.map((e) => [e.calendar, e.years])).toEqual(warned.length ? [['msk-workdays', warned]] : []);
  }
});

test('the open-request limit: a second request on Basic is kept, not registered, and the sender is told which one is open', async () => {
  const r = await request('someone@elsewhere.test', 'Первый вопрос'); // default plan basic, max_open 1
  const second = buildMail({ from: 'someone@elsewhere.test', to: 'support@example.test', subject: 'Второй вопрос', body: 'ещё' });
  expect(await r.h.intake.process({ raw: second.raw, mailbox: mb, receivedAt: r.h.clock.now() })).toMatchObject({
    outcome: 'rejected',
    ticketNumber: 'SUP-2026-000001',
    reason: 'plan basic allows 1 open request(s); open: SUP-2026-000001',
  });
  expect(r.h.all('SELECT id FROM tickets')).toHaveLength(1);
  expect(r.h.all<{ ticket_id: number | null; subject: string }>('SELECT ticket_id, subject FROM messages ORDER BY id')).toEqual([
    { ticket_id: 1, subject: 'Первый вопрос' },
    { ticket_id: null, subject: 'Второй вопрос' }, // kept
  ]);
  const [reply] = r.h.all<{ to_address: string; text: string }>("SELECT to_address, text FROM outbox WHERE kind = 'limit'");
  expect(reply.to_address).toBe('someone@elsewhere.test');
  expect(reply.text).toContain('Открыто сейчас: SUP-2026-000001 (Первый вопрос)');
  expectAlternative(r.h.all("SELECT kind, text, html FROM outbox WHERE kind = 'limit'"));
  // Once the first is resolved, a new one is registered.
  r.h.db.$client.prepare("UPDATE tickets SET status = 'resolved'").run();
  const third = buildMail({ from: 'someone@elsewhere.test', to: 'support@example.test', subject: 'Третий вопрос', body: 'x' });
  expect(await r.h.intake.process({ raw: third.raw, mailbox: mb, receivedAt: r.h.clock.now() })).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  r.h.close();
});

test('no limit on Extended: an organisation may have several open requests', async () => {
  const r = await request('ivan@romashka.test', 'Первый');
  const m = buildMail({ from: 'olga@romashka.test', to: 'support@example.test', subject: 'Второй', body: 'x' });
  expect(await r.h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: r.h.clock.now() })).toMatchObject({ outcome: 'created' });
  r.h.close();
});

test('unknown senders refused: the mail is kept, the sender told why, no request; organisations still get theirs', async () => {
  const r = await request('ivan@romashka.test', 'Свой', 'x', policy({ unknownSenders: 'refuse' }));
  const m = buildMail({ from: 'stranger@elsewhere.test', to: 'support@example.test', subject: 'Чужой', body: 'y' });
  expect(await r.h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: r.h.clock.now() })).toMatchObject({ outcome: 'rejected', ticketNumber: null, reason: expect.stringContaining('belongs to no organisation') });
  expect(r.h.all('SELECT id FROM tickets')).toHaveLength(1);
  expect(r.h.all<{ ticket_id: number | null }>('SELECT ticket_id FROM messages ORDER BY id').map((x) => x.ticket_id)).toEqual([1, null]);
  const [reply] = r.h.all<{ to_address: string; text: string }>("SELECT to_address, text FROM outbox WHERE kind = 'unknown-sender'");
  expect(reply).toMatchObject({ to_address: 'stranger@elsewhere.test', text: expect.stringContaining('не относится ни к одной организации') });
  expectAlternative(r.h.all("SELECT kind, text, html FROM outbox WHERE kind = 'unknown-sender'"));
  r.h.close();
});

describe('required information', () => {
  const requiredInfo = {
    items: [
      { name: 'account', label: { ru: 'учётная запись (логин)', en: 'account (login)' }, pattern: 'учётн|учетн|логин|account|login' },
      { name: 'expected', label: { ru: 'ожидаемый результат', en: 'expected result' }, pattern: 'ожида|expected' },
    ],
    wait: false,
  };
  const run = async (body: string, wait: boolean) => {
    const h = intakeHarness({ engineers: ENGINEERS, sla: policy(), requiredInfo: { ...requiredInfo, wait } });
    await h.intake.process({ raw: buildMail({ from: 'ivan@romashka.test', to: 'support@example.test', subject: 'Ошибка', body }).raw, mailbox: mb, receivedAt: h.clock.now() });
    return h;
  };

  test('what is missing is listed in the registration reply; what is there is not', async () => {
    const h = await run('Не выгружается отчёт. Логин ivanov.', false);
    const [reg] = h.all<{ text: string }>("SELECT text FROM outbox WHERE kind = 'registration'");
    expect(reg.text).toContain('пришлите, пожалуйста, ответом на это письмо:\n  - ожидаемый результат\n');
    expect(reg.text).not.toContain('учётная запись (логин)');
    expect(h.all<{ status: string }>('SELECT status FROM tickets')[0].status).toBe('new');
    h.close();
  });

  test('with wait_for_missing_info the request waits for the customer from the start, its clock paused', async () => {
    const h = await run('Не выгружается отчёт.', true);
    expect(h.all<{ status: string; reaction_due: string | null }>('SELECT status, reaction_due FROM tickets')[0]).toEqual({ status: 'awaiting_info', reaction_due: null });
    expect(h.all<{ kind: string; end: string | null }>('SELECT kind, end FROM sla_intervals ORDER BY id').map((i) => [i.kind, i.end])).toEqual([
      ['counted', '2026-11-20T09:30:00.000Z'],
      ['paused', null],
    ]);
    h.close();
  });

  test('a complete request has nothing listed', async () => {
    const h = await run('Логин ivanov. Ожидали: отчёт. Получили: ошибку.', true);
    expect(h.all<{ text: string }>("SELECT text FROM outbox WHERE kind = 'registration'")[0].text).not.toContain('пришлите, пожалуйста');
    expect(h.all<{ status: string }>('SELECT status FROM tickets')[0].status).toBe('new');
    h.close();
  });
});
