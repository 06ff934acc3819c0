import type { Readable } from 'node:stream';
import { dkimPassDomains } from '../auth/dkim';
import { parseEmail, type ParsedEmail } from '../mail/parse';
import { messageByDedupKey } from '../requests/read';
import { addEvent } from '../requests/sqlite';
import type { NewAttachment, Tx } from '../requests/tx';
import { rawBytes } from '../storage/raw';
import type { IntakeDeps } from './deps';
import { filters as defaultFilters } from './filters';
import { readForward } from './forward/read';
import { dedupKeyOf, duplicate } from './filters/10-duplicate';
import { report } from './outcomes/report';
import { see } from './outcomes/seen';
import { route } from './outcomes/table';
import type { Decision, Prepared, Received } from './prepared';
import { deskRoles, type Roles } from './roles';
import { verdictOf, type Filter, type FilterContext, type IntakeInput, type Outcome, type Verdict } from './types';

export type { IntakeDeps } from './deps';

/**
 * Turns one raw message into a stored request or a follow-up: parse, keep the
 * raw bytes, run the filters, then act once on their verdicts in a single
 * transaction.
 */
export class Intake {
  private readonly filters: readonly Filter[];
  private readonly roles: Roles;
  constructor(private readonly deps: IntakeDeps) {
    this.filters = deps.filters ?? defaultFilters;
    this.roles = deskRoles(deps.ownAddresses, (a) => deps.notifier.isEngineer(a));
  }

  /** One message, start to end: received, then decided in its own transaction. */
  async process(input: IntakeInput): Promise<Outcome> {
    const [d] = this.decide([await this.receive(input)]);
    if ('error' in d) throw d.error;
    return d.outcome;
  }

  /**
   * The first stage: parse, store the raw bytes and the attachments, check an
   * engineer's DKIM signatures. It reads no state, so several messages may be
   * received side by side while the decisions are taken in order.
   */
  async receive(input: IntakeInput): Promise<Received> {
    const { blobs } = this.deps;
    // The raw bytes are written (off the main thread) while the message is parsed; both are done before anything is committed.
    const stored = Buffer.isBuffer(input.raw) ? blobs.raw.write(input.raw) : Promise.resolve({ sha256: input.raw.sha256, size: input.raw.size });
    stored.catch(() => undefined); // awaited below; a parse failure first must not leave it unhandled
    // Attachments stream to the store as they are decoded (over the size limit: hashed, not kept).
    const sink = { take: (stream: Readable) => blobs.attachments.putStream(stream, this.deps.attachmentMaxBytes) };
    const mail = await parseEmail(Buffer.isBuffer(input.raw) ? input.raw : { file: input.raw.file }, { sink });
    const fromEngineer = this.deps.notifier.isEngineer(mail.from?.address);
    const [raw, files, dkimPass] = await Promise.all([
      stored,
      this.storeAttachments(mail),
      fromEngineer ? dkimPassDomains(rawBytes(input.raw), this.deps.dkimResolver).catch(() => []) : [],
    ]);
    // Only an engineer's mail can be a forward on a customer's behalf (whether it is theirs, the forward filter checks).
    const forward = fromEngineer ? await readForward(mail, { timeZone: input.mailbox.time_zone, files, parse: (b) => parseEmail(b, { sink }), store: (m) => this.storeAttachments(m) }) : null;
    return { input, mail, raw, files, dkimPass, forward };
  }

  /**
   * The second stage, for messages in order: filters, then the decision, all
   * in one transaction, each message in a savepoint of its own. A message
   * whose decision fails is rolled back alone and comes back as its error;
   * the others commit together (one commit, not one per message). Logs and
   * the outbox's wake-up follow the commit. Throws only if the transaction
   * itself fails (database busy, disk full): then nothing was decided.
   */
  decide(rs: readonly Received[]): Decision[] {
    const decisions: Decision[] = [];
    const reports: (() => void)[] = [];
    this.deps.db.transaction(
      () => {
        for (const r of rs) {
          try {
            const { outcome, report } = this.judge(r);
            decisions.push({ outcome });
            reports.push(report);
          } catch (err) {
            decisions.push({ error: err as Error });
          }
        }
      },
      { behavior: 'immediate' },
    );
    for (const report of reports) report();
    return decisions;
  }

  /** One message's filters and decision (in the caller's transaction). */
  private judge(r: Received): { outcome: Outcome; report: () => void } {
    const { log, numbering, db } = this.deps;
    const { input, mail, raw } = r;
    const ctx: FilterContext = {
      db, mail, input, sha256: raw.sha256, numbering, roles: this.roles, trustedAuthservId: this.deps.trustedAuthservId, spam: this.deps.spam,
      forward: r.forward ?? null, dkimPass: r.dkimPass, engineers: this.deps.notifier.engineers, tokenSecret: this.deps.tokenSecret,
    };
    const verdicts = this.filters.map((f) => f.run(ctx)).filter((v): v is Verdict => v !== null);
    const ignored = (ticketNumber: string | null) => ({
      outcome: { outcome: 'ignored', reason: 'duplicate', ticketNumber, messageId: mail.messageId } as Outcome,
      report: () => log.info({ event: 'intake.message.duplicate', messageId: mail.messageId, ticket: ticketNumber }, 'intake.message.duplicate'),
    });
    const dup = verdictOf(verdicts, 'duplicateOf');
    if (dup) return ignored(dup.ticketNumber);
    const prepared: Prepared = { ...r, dedupKey: dedupKeyOf(mail, raw.sha256, !!verdictOf(verdicts, 'idReused')), verdicts };
    try {
      return this.act(prepared);
    } catch (err) {
      // Another process (a second daemon, `helpdesk ingest`) stored the same message, or one reusing its Message-ID, between our check and our commit.
      const again = isDedupConflict(err) ? duplicate.run(ctx) : null;
      if (again && 'duplicateOf' in again) return ignored(again.duplicateOf.ticketNumber);
      if (again && 'idReused' in again && !verdictOf(verdicts, 'idReused')) {
        return this.act({ ...prepared, dedupKey: dedupKeyOf(mail, raw.sha256, true), verdicts: [...verdicts, again] });
      }
      throw err;
    }
  }

  /** The one decision, in one transaction (a savepoint of the caller's); its report logs it once committed. */
  private act(p: Prepared): { outcome: Outcome; report: () => void } {
    const { db, clock, log } = this.deps;
    const now = clock.now();
    const seen = see(p, this.deps);
    const routed = db.transaction((tx: Tx) => {
      const r = route(tx, p, seen, now, { deps: this.deps, roles: this.roles });
      recordOnMessage(tx, p, now);
      return r;
    }, { behavior: 'immediate' });
    const { outcome, notified } = routed;
    const ctx = { log: log.child({ ticket: outcome.ticketNumber }), p, notified, fromEngineer: seen.fromEngineer, wake: () => this.deps.onQueued?.() };
    return { outcome, report: () => report(outcome, ctx) };
  }

  private async storeAttachments(mail: ParsedEmail): Promise<NewAttachment[]> {
    const max = this.deps.attachmentMaxBytes;
    return Promise.all(
      mail.attachments.map(async (a) => {
        const stored = a.content ? a.size <= max : a.kept;
        if (stored && a.content) await this.deps.blobs.attachments.write(a.content);
        return {
          filename: a.filename,
          contentType: a.contentType,
          contentId: a.contentId ?? null,
          size: a.size,
          sha256: a.sha256,
          stored,
          skipReason: stored ? null : (a.skipped ?? `larger than attachment_max_bytes (${a.size} > ${max})`),
        };
      }),
    );
  }
}

/** What the mail's history must say besides its outcome: a reused Message-ID, a message that could not be parsed, what its limits left unread. */
function recordOnMessage(tx: Tx, p: Prepared, now: Date): void {
  const reused = verdictOf(p.verdicts, 'idReused');
  if (!reused && !p.mail.parseError && p.mail.cut.length === 0) return;
  const row = messageByDedupKey(tx, p.dedupKey);
  if (!row) return;
  const event = (type: string, data: unknown) => addEvent(tx, { ticketId: row.ticketId, messageId: row.id, type, actor: 'system', at: now, data });
  if (reused) event('message.id_reused', { messageId: p.mail.messageId, earlierMessage: reused.messageId, note: 'another mail with this Message-ID was stored before; this one is kept and processed on its own' });
  if (p.mail.parseError) event('message.unparsed', { error: p.mail.parseError.slice(0, 500), note: 'only the headers were read; the raw message is kept' });
  if (p.mail.cut.length > 0) event('message.cut', { cut: p.mail.cut, note: 'a limit on what one mail may cost; the raw message is kept whole' });
}

function isDedupConflict(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /dedup/.test(String(err));
}
