import type { Mailer } from '../../../src/outbox/mailer';
import { OutboxWorker, retryDelay } from '../../../src/outbox/worker';
import { queueMail } from '../../../src/requests/mail';
import { buildMail } from '../../support/mails';
import { intakeHarness, mailbox, silent } from '../../support/services';

type Sent = Parameters<Mailer['send']>[0];

function fakeMailer(behaviour: () => Error | null) {
  const sent: Sent[] = [];
  const mailer: Mailer = {
    send: async (m) => {
      const err = behaviour();
      if (err) throw err;
      sent.push(m);
      return { response: '250 OK' };
    },
    close: () => undefined,
  };
  return { mailer, sent };
}

async function withQueuedReply() {
  const h = intakeHarness();
  const m = buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'help', body: 'x' });
  await h.intake.process({ raw: m.raw, mailbox: mailbox(), receivedAt: h.clock.now() });
  const row = () => h.all<{ status: string; attempts: number; next_attempt_at: string; last_error: string | null; sent_at: string | null }>('SELECT * FROM outbox')[0];
  return { h, m, row };
}

test('retryDelay doubles from the initial delay up to the cap', () => {
  expect([1, 2, 3, 4, 5, 10].map((n) => retryDelay(n, 30_000, 300_000))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
});

test('a queued reply is sent once, threaded and marked as automatic', async () => {
  const { h, m, row } = await withQueuedReply();
  const { mailer, sent } = fakeMailer(() => null);
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000 });
  expect(await w.flush()).toBe(1);
  expect(await w.flush()).toBe(0);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ to: 'ivan@customer.test', inReplyTo: m.messageId, references: [m.messageId], subject: '[SUP-2026-000001] help' });
  expect(sent[0].headers).toMatchObject({ 'Auto-Submitted': 'auto-replied', 'X-Helpdesk-Request': 'SUP-2026-000001' });
  expect(row()).toMatchObject({ status: 'sent', attempts: 1, sent_at: h.clock.now().toISOString() });
  h.close();
});

test('while SMTP is down the row waits with a growing delay, then goes out', async () => {
  const { h, row } = await withQueuedReply();
  let down = true;
  const { mailer, sent } = fakeMailer(() => (down ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }) : null));
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000 });
  const t0 = h.clock.now().getTime();
  expect(await w.flush()).toBe(0);
  expect(row()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connect ECONNREFUSED' });
  expect(new Date(row().next_attempt_at).getTime() - t0).toBe(1000);
  expect(await w.flush()).toBe(0); // not due yet: no attempt
  expect(row().attempts).toBe(1);
  h.clock.advance(1000);
  await w.flush();
  expect(row()).toMatchObject({ status: 'pending', attempts: 2 });
  expect(new Date(row().next_attempt_at).getTime() - h.clock.now().getTime()).toBe(2000);
  down = false;
  h.clock.advance(2000);
  expect(await w.flush()).toBe(1);
  expect(row()).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
  expect(sent).toHaveLength(1);
  h.close();
});

test('a permanent (5xx) refusal is not retried', async () => {
  const { h, row } = await withQueuedReply();
  const { mailer } = fakeMailer(() => Object.assign(new Error('550 no such user'), { responseCode: 550 }));
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000 });
  await w.flush();
  expect(row()).toMatchObject({ status: 'failed', attempts: 1, last_error: '550 no such user' });
  h.clock.advance(60_000);
  await w.flush();
  expect(row().attempts).toBe(1);
  h.close();
});

test('a reply the server accepted but the database could not mark is marked on the next pass, never sent twice', async () => {
  const { h, row } = await withQueuedReply();
  const { mailer, sent } = fakeMailer(() => null);
  // The database refuses the update that marks the row sent, as a locked or full database would.
  h.db.$client.exec("CREATE TEMP TRIGGER refuse BEFORE UPDATE ON outbox WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'database is locked'); END");
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000 });
  // Compared by message: SqliteError may come from another jest realm, where `rejects.toThrow` does not see an Error.
  const r = await w.flush().then((n) => `resolved ${n}`, (e: Error) => String(e?.message));
  expect(r).toBe('database is locked');
  expect(sent).toHaveLength(1);
  expect(row().status).toBe('pending');
  h.db.$client.exec('DROP TRIGGER refuse');
  h.clock.advance(60_000);
  await w.flush();
  expect(sent).toHaveLength(1);
  expect(row()).toMatchObject({ status: 'sent', attempts: 1 });
  h.close();
});

/** Queues mails straight into the outbox: n to each of the recipients, interleaved, in this order. */
function queueMails(h: ReturnType<typeof intakeHarness>, recipients: string[], n: number): void {
  h.db.transaction((tx) => {
    for (let i = 0; i < n; i++) {
      for (const to of recipients) queueMail(tx, { from: mailbox(), mail: { ticketId: null, kind: 'test', to, subject: `${to} #${i}`, text: 'x' }, at: h.clock.now() });
    }
  });
}

/** A mailer whose sends take a while, so that the senders overlap; it records the most in flight at once. */
function slowMailer(ms: number) {
  const sent: Sent[] = [];
  let inFlight = 0;
  let most = 0;
  const mailer: Mailer = {
    send: async (m) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      sent.push(m);
      return { response: '250 OK' };
    },
    close: () => undefined,
  };
  return { mailer, sent, most: () => most };
}

test('with concurrency 4, mails to different recipients go side by side, and each recipient gets theirs in order', async () => {
  const h = intakeHarness();
  const recipients = ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test', 'f@x.test'];
  queueMails(h, recipients, 5);
  const { mailer, sent, most } = slowMailer(5);
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000, concurrency: 4 });
  expect(await w.flush()).toBe(30);
  expect(most()).toBe(4);
  for (const to of recipients) {
    expect(sent.filter((m) => m.to === to).map((m) => m.subject)).toEqual([0, 1, 2, 3, 4].map((i) => `${to} #${i}`));
  }
  expect(h.all<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'sent'")[0].n).toBe(30);
  h.close();
});

test('one recipient\'s mails are never in flight together, whatever the concurrency', async () => {
  const h = intakeHarness();
  queueMails(h, ['only@x.test'], 6);
  const { mailer, sent, most } = slowMailer(2);
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000, concurrency: 4 });
  expect(await w.flush()).toBe(6);
  expect(most()).toBe(1);
  expect(sent.map((m) => m.subject)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `only@x.test #${i}`));
  h.close();
});

test('stop() during a concurrent pass: the mails in flight finish and are marked, the rest stay pending', async () => {
  const h = intakeHarness();
  queueMails(h, ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'], 3);
  const { mailer, sent } = slowMailer(20);
  const w = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000, concurrency: 4 });
  const pass = w.flush();
  await new Promise((r) => setTimeout(r, 5));
  w.stop();
  expect(await pass).toBe(4);
  expect(sent).toHaveLength(4);
  const status = h.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status ORDER BY status');
  expect(status).toEqual([{ status: 'pending', n: 8 }, { status: 'sent', n: 4 }]);
  h.close();
});
