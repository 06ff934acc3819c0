import { verifyReplyToken } from '../../../src/auth/token';
import { buildMail } from '../../support/mails';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
type Row = { kind: string; to_address: string; reply_to: string | null; subject: string; text: string };

async function withRequest() {
  const h = intakeHarness({ engineers: ENGINEERS });
  const m = buildMail({ from: 'Иван <ivan@customer.test>', to: 'support@example.test', subject: 'Не работает вход', body: 'Помогите, пожалуйста.', attachment: { filename: 'screen.png', contentType: 'image/png', content: Buffer.alloc(10) } });
  await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  const rows = () => h.all<Row>('SELECT kind, to_address, reply_to, subject, text FROM outbox ORDER BY id');
  return { h, rows };
}

test('a new request goes to the engineers of its line, each with their own signed reply address', async () => {
  const { h, rows } = await withRequest();
  const notes = rows().filter((r) => r.kind === 'notify-new');
  expect(notes.map((r) => r.to_address)).toEqual(['anna@vendor.test']); // L1 only; boris is L2
  const [n] = notes;
  expect(n.subject).toBe('[SUP-2026-000001] Не работает вход');
  expect(n.text).toContain('Новое обращение SUP-2026-000001');
  expect(n.text).toContain('От: Иван <ivan@customer.test>');
  expect(n.text).toContain('Помогите, пожалуйста.');
  expect(n.text).toContain('screen.png (10 B)');
  const [att] = h.all<{ attachments_json: string }>("SELECT attachments_json FROM outbox WHERE kind = 'notify-new'");
  expect(JSON.parse(att.attachments_json)).toEqual([{ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), filename: 'screen.png', contentType: 'image/png' }]);
  expect(n.text).toContain('#status');
  expect(n.text).toContain('Приоритет: не задан');
  expect(verifyReplyToken(TOKEN_SECRET, [n.reply_to!], 'anna@vendor.test')).toBe('SUP-2026-000001');
  expect(h.all<{ type: string }>("SELECT type FROM events WHERE type = 'engineer.notified'")).toHaveLength(1);
  h.close();
});

test('the customer\'s reply goes to the responsible engineer (or the line), with the new part only and the new status', async () => {
  const { h, rows } = await withRequest();
  h.db.$client.prepare("UPDATE tickets SET status = 'awaiting_info', assignee = 'boris@vendor.test'").run();
  const reply = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'Re: [SUP-2026-000001] Не работает вход', body: 'Версия 5.2.\n\nOn Fri, 20 Nov 2026 at 12:30, Support <support@example.test> wrote:\n> Какая версия?' });
  expect(await h.intake.process({ raw: reply.raw, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'appended', status: 'in_progress' });
  const [f] = rows().filter((r) => r.kind === 'notify-followup');
  expect(f.to_address).toBe('boris@vendor.test');
  expect(f.text).toContain('статус теперь: in_progress');
  expect(f.text).toContain('Версия 5.2.');
  expect(f.text).not.toContain('Какая версия?');
  h.close();
});

test('no engineers configured: nobody is notified', async () => {
  const h = intakeHarness();
  const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'x', body: 'y' });
  await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
  expect(h.all<Row>('SELECT kind FROM outbox').map((r) => r.kind)).toEqual(['registration']);
  h.close();
});
