/**
 * Threading on real-world replies: every corpus mail that names a parent
 * (In-Reply-To / References) joins the request whose message has that
 * Message-ID — however its client folded or formatted those headers. The
 * corpus holds no parent itself, so each test first registers one with the
 * Message-ID the reply names (the newest reference, as a mail client would
 * have it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../src/mail/parse';
import { corpusDir, corpusMails } from '../support/env';
import { buildMail } from '../support/mails';
import { intakeHarness, mailbox } from '../support/services';

const mails = corpusMails();

const replies: { file: string; parent: string; viaInReplyTo: boolean; from: string }[] = [];
beforeAll(async () => {
  for (const file of mails) {
    const m = await parseEmail(fs.readFileSync(path.join(corpusDir, file)));
    const parent = m.inReplyTo ?? m.references.at(-1);
    if (parent && parent !== m.messageId) replies.push({ file, parent, viaInReplyTo: !!m.inReplyTo, from: m.from?.address ?? 'nobody@corpus.test' });
  }
});

test('the corpus has replies that name their parent', () => {
  expect(replies.length).toBeGreaterThanOrEqual(15);
});

/** Each reply after a parent written by `parentFrom`: what became of it. */
async function afterParent(parentFrom: (r: (typeof replies)[number]) => string) {
  const results: { file: string; outcome: string; number: string | null; linkedTo?: string }[] = [];
  for (const r of replies) {
    const h = intakeHarness({ attachmentMaxBytes: 1_000_000 });
    const parent = buildMail({ from: parentFrom(r), to: 'support@example.test', subject: 'the parent', body: 'first message', messageId: r.parent });
    await h.intake.process({ raw: parent.raw, mailbox: mailbox(), receivedAt: h.clock.now() });
    const out = await h.intake.process({ raw: fs.readFileSync(path.join(corpusDir, r.file)), mailbox: mailbox(), receivedAt: h.clock.now() });
    results.push({ file: r.file, outcome: out.outcome, number: 'ticketNumber' in out ? out.ticketNumber : null, ...('linkedTo' in out && out.linkedTo ? { linkedTo: out.linkedTo } : {}) });
    h.close();
  }
  return results;
}

test('each of them joins the request of its parent, when its sender is on that request', async () => {
  const results = await afterParent((r) => r.from);
  // A bounce names the parent, but returns no mail we sent: it is kept alone (only our own outbox Message-IDs prove a bounce).
  const bounceKeptAlone = (x: (typeof results)[number]) => x.outcome === 'bounced' && x.number === null;
  expect(results.filter((x) => !bounceKeptAlone(x) && (x.outcome !== 'appended' || x.number !== 'SUP-2026-000001'))).toEqual([]);
  expect(results.filter((x) => x.outcome === 'appended').length).toBeGreaterThanOrEqual(15);
});

test('from a sender who is not on the parent\'s request, each opens a request of its own, linked to it', async () => {
  const results = await afterParent(() => 'someone-else@corpus.test');
  const joined = results.filter((x) => x.outcome === 'appended');
  expect(joined).toEqual([]);
  expect(results.filter((x) => x.outcome === 'created' && x.linkedTo === 'SUP-2026-000001').length).toBeGreaterThanOrEqual(15);
});

test('and without its parent, none of them is threaded into a request by mistake', async () => {
  const h = intakeHarness({ attachmentMaxBytes: 1_000_000 });
  const outcomes = [];
  for (const r of replies) {
    const out = await h.intake.process({ raw: fs.readFileSync(path.join(corpusDir, r.file)), mailbox: mailbox(), receivedAt: h.clock.now() });
    // A bounce is kept without a request when it returns nothing of ours.
    outcomes.push(out.outcome === 'bounced' && out.ticketNumber === null ? 'bounce kept alone' : out.outcome);
  }
  // "ignored": the corpus holds one mail twice (same Message-ID) in two folders.
  expect(outcomes.filter((o) => !['created', 'ignored', 'bounce kept alone'].includes(o))).toEqual([]);
  expect(outcomes.filter((o) => o === 'created').length).toBeGreaterThanOrEqual(15);
  h.close();
});
