import { intakeHarness, mailbox } from '../../support/services';

/** Issue 11, class 6: a duplicate is the same mail; a different mail reusing a Message-ID is never dropped. */
const mb = mailbox();
const mail = (o: { from: string; date: string; body: string; extra?: string }) =>
  Buffer.from(
    `${o.extra ?? ''}From: ${o.from}\r\nTo: support@example.test\r\nSubject: =?utf-8?B?${Buffer.from('Не печатает').toString('base64')}?=\r\nDate: ${o.date}\r\nMessage-ID: <1@localhost>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${o.body}\r\n`,
  );

test('two phones that both send <1@localhost>: the second mail is stored and processed like any other, with an event saying so', async () => {
  const h = intakeHarness();
  const a = await h.intake.process({ raw: mail({ from: 'ivan@customer.test', date: 'Fri, 20 Nov 2026 09:30:00 +0000', body: 'принтер' }), mailbox: mb, receivedAt: h.clock.now() });
  const b = await h.intake.process({ raw: mail({ from: 'olga@other.test', date: 'Fri, 20 Nov 2026 10:00:00 +0000', body: 'сканер' }), mailbox: mb, receivedAt: h.clock.now() });
  expect(a).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000001' });
  expect(b).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  expect(h.all<{ text: string; from_address: string }>("SELECT text, from_address FROM messages WHERE direction = 'in' ORDER BY id")).toEqual([
    expect.objectContaining({ from_address: 'ivan@customer.test', text: expect.stringContaining('принтер') }),
    expect.objectContaining({ from_address: 'olga@other.test', text: expect.stringContaining('сканер') }),
  ]);
  const [e] = h.all<{ ticket_id: number; data_json: string }>("SELECT ticket_id, data_json FROM events WHERE type = 'message.id_reused'");
  expect(e.ticket_id).toBe(2);
  expect(JSON.parse(e.data_json)).toMatchObject({ messageId: '<1@localhost>', earlierMessage: 1 });
  expect(h.all<{ to_address: string }>("SELECT to_address FROM outbox WHERE kind = 'registration' ORDER BY id").map((o) => o.to_address)).toEqual(['ivan@customer.test', 'olga@other.test']);
  h.close();
});

test('the same sender reusing a Message-ID for a later mail (another Date) is a new mail too', async () => {
  const h = intakeHarness();
  await h.intake.process({ raw: mail({ from: 'ivan@customer.test', date: 'Fri, 20 Nov 2026 09:30:00 +0000', body: 'раз' }), mailbox: mb, receivedAt: h.clock.now() });
  const out = await h.intake.process({ raw: mail({ from: 'ivan@customer.test', date: 'Sat, 21 Nov 2026 09:30:00 +0000', body: 'два' }), mailbox: mb, receivedAt: h.clock.now() });
  expect(out).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000002' });
  h.close();
});

test('the same mail again is a duplicate: same bytes, or the same Message-ID, sender and Date with a Received line more', async () => {
  const h = intakeHarness();
  const first = mail({ from: 'ivan@customer.test', date: 'Fri, 20 Nov 2026 09:30:00 +0000', body: 'принтер' });
  const reused = mail({ from: 'olga@other.test', date: 'Fri, 20 Nov 2026 10:00:00 +0000', body: 'сканер' });
  await h.intake.process({ raw: first, mailbox: mb, receivedAt: h.clock.now() });
  await h.intake.process({ raw: reused, mailbox: mb, receivedAt: h.clock.now() });
  const again = [first, Buffer.concat([Buffer.from('Received: from relay.test by mx.example.test\r\n'), first]), reused, Buffer.concat([Buffer.from('Received: from relay.test\r\n'), reused])];
  const outs = [];
  for (const raw of again) outs.push(await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() }));
  expect(outs.map((o) => [o.outcome, o.ticketNumber])).toEqual([
    ['ignored', 'SUP-2026-000001'],
    ['ignored', 'SUP-2026-000001'],
    ['ignored', 'SUP-2026-000002'],
    ['ignored', 'SUP-2026-000002'],
  ]);
  expect(h.all('SELECT id FROM tickets')).toHaveLength(2);
  expect(h.all("SELECT id FROM messages WHERE direction = 'in'")).toHaveLength(2);
  h.close();
});
