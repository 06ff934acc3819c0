import { buildMail } from '../../support/mails';
import { intakeHarness, mailbox, recordingOutbox } from '../../support/services';

/** Line L1 has two engineers, so "the rest of the line" is someone. */
const TEAM = [
  { address: 'anna@vendor.test', name: 'Анна', line: 'L1' },
  { address: 'vera@vendor.test', name: 'Вера', line: 'L1' },
  { address: 'boris@vendor.test', name: 'Борис', line: 'L2' },
];
const mb = mailbox();

function dsn(returnedId: string, recipient: string, from = 'MAILER-DAEMON@mx.vendor.test'): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      'To: support@example.test',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${Math.random()}@mx.vendor.test>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: User unknown`,
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: support@example.test',
      `Message-ID: ${returnedId}`,
      'X-Helpdesk-Request: SUP-2026-000001',
      '--B--',
      '',
    ].join('\r\n'),
  );
}

/**
 * A desk whose mail to the `dead` addresses always bounces: every mail the
 * worker sends to one comes back as a bounce, and so on, for at most 6
 * rounds (a loop that never ends fails here instead of hanging).
 */
async function desk(dead: string[]) {
  const h = intakeHarness({ engineers: TEAM });
  const { worker, sent } = recordingOutbox(h, { gate: { perRecipient: [], global: [], internal: TEAM.map((e) => e.address) } });
  let done = 0; // sent mails already bounced (or not dead)
  const settle = async () => {
    for (let round = 0; round < 6; round++) {
      await worker.flush();
      const fresh = sent.slice(done).filter((m) => dead.includes(m.to));
      done = sent.length;
      if (fresh.length === 0) return;
      for (const m of fresh) await h.intake.process({ raw: dsn(m.messageId, m.to), mailbox: mb, receivedAt: h.clock.now() });
    }
  };
  const request = async (subject: string) => {
    await h.intake.process({ raw: buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject, body: 'It fails.' }).raw, mailbox: mb, receivedAt: h.clock.now() });
    await settle();
  };
  return { h, sent, request, settle };
}

const to = (sent: { to: string }[], who: string) => sent.filter((m) => m.to === who).length;

test('a bounce of our notification to an engineer never mails that engineer; the rest of the line is told once per period', async () => {
  const { h, sent, request } = await desk(['anna@vendor.test']);
  await request('VPN down');
  // notify-new to anna and vera; anna's bounced; vera alone hears of it, once.
  expect(sent.map((m) => m.to).sort()).toEqual(['anna@vendor.test', 'ivan@customer.test', 'vera@vendor.test', 'vera@vendor.test']);
  const notice = sent.filter((m) => m.to === 'vera@vendor.test')[1];
  expect(notice.subject).toBe('[SUP-2026-000001] VPN down');
  const internal = h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'bounce.internal'");
  expect(internal.map((e) => JSON.parse(e.data_json))).toEqual([{ addresses: ['anna@vendor.test'], returned: expect.any(String), proven: true }]);
  expect(h.all('SELECT * FROM suppressions')).toEqual([]); // our own people are never suppressed

  // More requests, more bounces of anna's notifications: within the period nobody is told again.
  await request('Printer');
  await request('Scanner');
  expect(to(sent, 'anna@vendor.test')).toBe(3); // only the three notify-new, never a notify-bounce
  expect(to(sent, 'vera@vendor.test')).toBe(3 + 1); // three notify-new, one notice
  expect(h.all("SELECT * FROM events WHERE type = 'bounce.internal'")).toHaveLength(3);

  // After the period, the line hears of it once more.
  h.clock.advance(73 * 3600_000);
  await request('Phone');
  expect(to(sent, 'vera@vendor.test')).toBe(4 + 2);
});

test('when every engineer of the line bounces, the chain stops: at most one notice per failed address', async () => {
  const { h, sent, request } = await desk(['anna@vendor.test', 'vera@vendor.test']);
  await request('VPN down');
  // notify-new to both (2, both bounce); anna's bounce tells vera (1, bounces); vera's bounces tell anna once (1, bounces); then nothing.
  expect([to(sent, 'anna@vendor.test'), to(sent, 'vera@vendor.test')]).toEqual([2, 2]);
  const told = h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'bounce.internal.told'").map((e) => JSON.parse(e.data_json));
  expect(told).toEqual([
    { address: 'anna@vendor.test', engineers: ['vera@vendor.test'] },
    { address: 'vera@vendor.test', engineers: ['anna@vendor.test'] },
  ]);
  expect(to(sent, 'boris@vendor.test')).toBe(0); // another line is never told
  const before = sent.length;
  await request('Printer');
  expect(sent.length - before).toBe(3); // the reply and two notify-new: no notice within the period
});

test('a forged bounce naming an engineer (no Message-ID of ours) is recorded and mails nobody', async () => {
  const { h, sent, request, settle } = await desk([]);
  await request('VPN down');
  const before = sent.length;
  await h.intake.process({ raw: dsn('<guess@example.test>', 'anna@vendor.test', 'mailer-daemon@evil.example'), mailbox: mb, receivedAt: h.clock.now() });
  await settle();
  expect(sent.length).toBe(before);
  expect(h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'bounce.internal'").map((e) => JSON.parse(e.data_json))).toEqual([
    { addresses: ['anna@vendor.test'], returned: null, proven: false },
  ]);
});
