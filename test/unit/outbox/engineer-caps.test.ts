/**
 * Issue 11, class 4: a flood of customer mail must not become a flood of
 * engineer notifications. Each engineer gets at most the cap, plus one summary
 * saying how many are held and how to see them; the held ones go out by
 * themselves as the window allows.
 */
import path from 'node:path';
import { HeldSummary } from '../../../src/compose/held-summary';
import { Templates } from '../../../src/compose/templates';
import type { OutboxWorker } from '../../../src/outbox/worker';
import { buildMail } from '../../support/mails';
import { expectAlternative } from '../../support/alternative';
import { root } from '../../support/env';
import { intakeHarness, mailbox, recordingOutbox } from '../../support/services';

const mb = mailbox();
const ENGINEERS = [
  { address: 'anna@vendor.test', name: 'Анна', line: 'L1' },
  { address: 'boris@vendor.test', name: 'Борис', line: 'L1' },
];
const CAPS = [
  { minutes: 10, max: 20 },
  { minutes: 600, max: 200 },
];
const FLOOD = 500;
const MIN = 60_000;

function flooded() {
  const h = intakeHarness({ engineers: ENGINEERS });
  const { worker, sent } = recordingOutbox(h, {
    // The config's defaults.
    gate: { perRecipient: [{ minutes: 10, max: 10 }, { minutes: 600, max: 100 }], global: [{ minutes: 60, max: 5000 }], internal: ENGINEERS.map((e) => e.address), perEngineer: CAPS },
    heldSummary: new HeldSummary(new Templates(path.join(root, 'templates')), [mb]),
  });
  const to = (address: string, kind: 'notify' | 'summary') => sent.filter((m) => m.to === address && m.subject.startsWith(kind === 'notify' ? '[SUP-' : 'Уведомления задержаны'));
  return { h, worker, sent, to };
}

/**
 * Until nothing is held: the clock moves to the earliest time a held row is due again (at least a minute on,
 * as a daemon's passes would gather what fell due meanwhile), and the outbox runs.
 */
async function drain(h: ReturnType<typeof intakeHarness>, worker: OutboxWorker): Promise<number> {
  let steps = 0;
  for (;;) {
    const [{ next }] = h.all<{ next: string | null }>("SELECT min(next_attempt_at) AS next FROM outbox WHERE status = 'held'");
    if (!next) return steps;
    if (++steps > 2000) throw new Error('held mail never got out');
    h.clock.set(new Date(Math.max(Date.parse(next), h.clock.now().getTime() + MIN)));
    await worker.flush();
  }
}

/** The most mails to one address within any window of `minutes`, from their sent_at. */
function densest(h: ReturnType<typeof intakeHarness>, address: string, kinds: string, minutes: number): number {
  const at = h.all<{ sent_at: string }>(`SELECT sent_at FROM outbox WHERE to_address = ? AND status = 'sent' AND ${kinds} ORDER BY sent_at`, address).map((r) => Date.parse(r.sent_at));
  let most = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while (at[j] - at[i] > minutes * MIN) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

// The honest-looking flood (one address) and its evasive version (a new From for every mail, so no per-recipient cap holds anything).
test.each([
  ['one address', (_i: number) => 'flood@customer.test'],
  ['a new address each time', (i: number) => `flood${i}@customer.test`],
])(`${FLOOD} mails from %s give each engineer at most the cap plus one summary; the held ones go out as the window allows`, async (_name, from) => {
  const { h, worker, sent, to } = flooded();
  for (let i = 0; i < FLOOD; i++) {
    const m = buildMail({ from: from(i), to: 'support@example.test', subject: `flood ${i}`, body: 'x' });
    await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
    await worker.flush();
    h.clock.advance(1000); // 500 mails in 8 min 20 s: all within the first 10-minute window
  }
  for (const e of ENGINEERS) {
    expect(to(e.address, 'notify')).toHaveLength(20);
    const summaries = to(e.address, 'summary');
    expect(summaries).toHaveLength(1);
    expect(summaries[0].text).toContain('helpdesk outbox list --held');
    expect(summaries[0].subject).toBe('Уведомления задержаны: 1'); // told at the first one held
    expect(h.all("SELECT * FROM outbox WHERE to_address = ? AND status = 'held'", e.address)).toHaveLength(FLOOD - 20);
  }
  expect(sent.filter((m) => ENGINEERS.some((e) => e.address === m.to)).length).toBeLessThanOrEqual(ENGINEERS.length * (CAPS[0].max + 1));
  // The reason and when it ends are on every held notification; the history of the request says so.
  const held = h.all<{ last_error: string; next_attempt_at: string; held_at: string }>("SELECT last_error, next_attempt_at, held_at FROM outbox WHERE to_address = 'anna@vendor.test' AND status = 'held'");
  expect(held[0].last_error).toBe('engineer cap: 20 notifications to anna@vendor.test in 10 min (max 20)');
  expect(Date.parse(held[0].next_attempt_at)).toBeGreaterThan(h.clock.now().getTime() - 10 * MIN);
  expect(h.all("SELECT * FROM events WHERE type = 'mail.held' AND data_json LIKE '%anna@vendor.test%'")).toHaveLength(FLOOD - 20);

  // An engineer's answer relayed to the customer is never held by these caps.
  h.db.$client
    .prepare("INSERT INTO outbox (kind, mailbox, message_id, from_address, from_name, to_address, subject, text, next_attempt_at, created_at) VALUES ('relay','support','<relay@x>','support@example.test','S',?,'relay','t',?,?)")
    .run(from(0), h.clock.now().toISOString(), h.clock.now().toISOString());
  await worker.flush();
  expect(sent.at(-1)).toMatchObject({ subject: 'relay', to: from(0) });

  // Time passes: everything held goes out by itself, exactly once, never faster than the caps allow.
  await drain(h, worker);
  for (const e of ENGINEERS) {
    const notes = to(e.address, 'notify');
    expect(notes).toHaveLength(FLOOD);
    expect(new Set(notes.map((n) => n.messageId)).size).toBe(FLOOD);
    expect(to(e.address, 'summary')).toHaveLength(1); // being held again as the window moves is no new hold
    const notices = "(kind LIKE 'notify-%' OR kind = 'confirm')";
    expect(densest(h, e.address, notices, 10)).toBeLessThanOrEqual(20);
    expect(densest(h, e.address, notices, 600)).toBeLessThanOrEqual(200);
  }
  expect(h.all("SELECT * FROM outbox WHERE status <> 'sent'")).toHaveLength(0);
  expect(h.all("SELECT * FROM events WHERE type = 'mail.released' AND actor = 'system'")).toHaveLength(h.all<{ n: number }>("SELECT count(*) AS n FROM events WHERE type = 'mail.held'")[0].n);
  h.close();
}, 120_000);

test('a new hold after the window has passed brings a new summary; never two within one window', async () => {
  const { h, worker, to } = flooded();
  const flood = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const m = buildMail({ from: 'flood@customer.test', to: 'support@example.test', subject: 'again', body: 'x' });
      await h.intake.process({ raw: m.raw, mailbox: mb, receivedAt: h.clock.now() });
      await worker.flush();
    }
  };
  await flood(25);
  expect(to('anna@vendor.test', 'summary')).toHaveLength(1);
  h.clock.advance(5 * MIN);
  await flood(5); // still held, still within the window: no second summary
  expect(to('anna@vendor.test', 'summary')).toHaveLength(1);
  h.clock.advance(6 * MIN); // the window has moved on: the 10 held go first, then 10 new ones, and the next 5 are held anew
  await flood(15);
  const summaries = to('anna@vendor.test', 'summary');
  expect(summaries).toHaveLength(2);
  expect(summaries[1].subject).toMatch(/^Уведомления задержаны: \d+$/);
  expectAlternative(h.all("SELECT kind, text, html FROM outbox WHERE kind = 'held-summary'"));
  expect(summaries[1].html).toContain('Уведомления вам временно задерживаются'); // sent with its HTML
  expect(to('anna@vendor.test', 'notify')).toHaveLength(40);
  h.close();
});
