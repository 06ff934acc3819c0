import { expectAlternative } from '../../support/alternative';
import { parseEmail } from '../../../src/mail/parse';
import { createNumbering } from '../../../src/ticket/numbering';
import { statusQuery } from '../../../src/intake/status-query';
import { buildMail } from '../../support/mails';
import { ENGINEERS, intakeHarness, mailbox } from '../../support/services';

const n = createNumbering({ format: 'SUP-{year}-{seq:6}', yearlyReset: true, timeZone: 'UTC' });
const q = async (subject: string, body: string) => statusQuery(await parseEmail(Buffer.from(`From: a@b.test\r\nSubject: =?utf-8?B?${Buffer.from(subject).toString('base64')}?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`)), n);

test.each([
  ['статус SUP-2026-000042', '', 'SUP-2026-000042'],
  ['Status: SUP-2026-000042', 'Hello, any news?', 'SUP-2026-000042'],
  ['вопрос', 'статус SUP-2026-000042', 'SUP-2026-000042'],
  ['Re: [SUP-2026-000042] Не работает вход', 'статус', 'SUP-2026-000042'],
  ['Re: [SUP-2026-000042] Не работает вход', 'Status\n\nOn Fri, 20 Nov 2026, Support <s@x.test> wrote:\n> ...', 'SUP-2026-000042'],
])('%j / %j asks about %s', async (subject, body, number) => {
  expect(await q(subject, body)).toEqual({ number });
});

test.each([
  ['Не работает вход', 'Статус заказа не меняется, помогите'],
  ['Re: [SUP-2026-000042] x', 'Статус не меняется уже неделю, что делать?'],
  ['Status of my order', 'It is still pending'],
])('%j / %j is not a status query', async (subject, body) => {
  expect(await q(subject, body)).toBeUndefined();
});

describe('answering', () => {
  const mb = mailbox();

  async function registered() {
    const h = intakeHarness({ engineers: ENGINEERS });
    const m = buildMail({ from: 'Иван <ivan@customer.test>', to: 'support@example.test', subject: 'Не работает вход', body: 'x' });
    await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
    h.db.$client.prepare("UPDATE tickets SET status = 'in_progress', assignee = 'anna@vendor.test'").run();
    const ask = (from: string, subject: string, body = '') =>
      h.intake.process({ raw: buildMail({ from, to: 'support@example.test', subject, body }).raw, mailbox: mb, receivedAt: h.clock.now() });
    const answers = () => h.all<{ kind: string; to_address: string; text: string }>("SELECT kind, to_address, text FROM outbox WHERE kind LIKE 'status%'");
    return { h, ask, answers };
  }

  test('the requester gets the status, the responsible engineer and the dates; no new request', async () => {
    const r = await registered();
    expect(await r.ask('ivan@customer.test', 'статус SUP-2026-000001')).toMatchObject({ outcome: 'answered', ticketNumber: 'SUP-2026-000001', answered: true });
    const [a] = r.answers();
    expect(a.to_address).toBe('ivan@customer.test');
    expect(a.text).toContain('Статус: в работе');
    expect(a.text).toContain('Ответственный: Анна');
    expect(a.text).toContain('Последнее изменение: 20.11.2026');
    expectAlternative(r.h.all("SELECT kind, text, html FROM outbox WHERE kind = 'status'"));
    expect(r.h.all('SELECT id FROM tickets')).toHaveLength(1);
    expect(r.h.all<{ status: string }>('SELECT status FROM tickets')[0].status).toBe('in_progress');
    r.h.close();
  });

  test('a reply in the thread with only "status" works too', async () => {
    const r = await registered();
    expect(await r.ask('ivan@customer.test', 'Re: [SUP-2026-000001] Не работает вход', 'Статус')).toMatchObject({ outcome: 'answered', ticketNumber: 'SUP-2026-000001' });
    r.h.close();
  });

  test('a stranger gets nothing about the request', async () => {
    const r = await registered();
    expect(await r.ask('mallory@evil.test', 'status SUP-2026-000001')).toMatchObject({ outcome: 'answered', ticketNumber: null });
    const [a] = r.answers();
    expect(a.kind).toBe('status-unknown');
    expect(a.to_address).toBe('mallory@evil.test');
    expect(a.text).not.toContain('Не работает вход');
    expect(a.text).not.toContain('SUP-2026-000001');
    expect(a.text).not.toContain('Анна');
    expectAlternative(r.h.all("SELECT kind, text, html FROM outbox WHERE kind = 'status-unknown'"));
    expect(r.h.all('SELECT id FROM tickets')).toHaveLength(1);
    expect(r.h.all<{ ticket_id: number | null }>('SELECT ticket_id FROM messages ORDER BY id').map((m) => m.ticket_id)).toEqual([1, null]); // kept, on no request
    r.h.close();
  });
});
