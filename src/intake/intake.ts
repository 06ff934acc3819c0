import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { parseEmail, type ParsedEmail } from '../mail/parse';
import type { CommandDesk } from '../commands/desk';
import type { Notifier } from '../compose/notify';
import type { Templates } from '../compose/templates';
import type { BlobStore } from '../storage/blobs';
import type { Numbering } from '../ticket/numbering';
import { assign, organisationOf, type SlaPolicy } from '../sla/clock';
import { overLimit, refusedSender } from './limit';
import { onCustomerReply } from '../ticket/status';
import { messageByDedupKey, statusOf } from '../requests/read';
import { addEvent } from '../requests/sqlite';
import type { NewAttachment, Tx } from '../requests/tx';
import { appendFollowUp } from './append';
import { dkimPassDomains, type Resolver } from '../auth/dkim';
import { answerStatus } from './answer-status';
import { deliveryFailure } from './bounce';
import { engineerMachine, keptAlone } from './kept';
import { deskRoles, type Roles } from './roles';
import { createRequest, type RequiredInfo } from './create';
import { filters as defaultFilters } from './filters';
import { dedupKeyOf, duplicate } from './filters/10-duplicate';
import type { Decision, Prepared, Received } from './prepared';
import { rawBytes } from '../storage/raw';
import { verdictOf, type Filter, type IntakeInput, type Outcome, type Verdict } from './types';

export interface IntakeDeps {
  db: Db;
  blobs: { raw: BlobStore; attachments: BlobStore };
  clock: Clock;
  numbering: Numbering;
  templates: Templates;
  notifier: Notifier;
  desk: CommandDesk;
  /** The desk's own addresses (every mailbox's): never a participant, and forged in a From from outside. */
  ownAddresses: readonly string[];
  /** Our receiving server's authserv-id (security.trusted_authserv_id): its dmarc=fail disowns a customer's From. */
  trustedAuthservId?: string;
  log: Logger;
  attachmentMaxBytes: number;
  /** How long after `resolved` a customer's reply reopens the request (after that it opens a new one). */
  reopenWindowMs: number;
  /** What a new request must contain. */
  requiredInfo?: RequiredInfo;
  /** Plans, organisations and calendars; null when no plans are configured. */
  sla?: SlaPolicy | null;
  filters?: readonly Filter[];
  /** DNS for DKIM checks of engineers' mail (tests pass a stub; default: the system's). */
  dkimResolver?: Resolver;
  /** After a permanent bounce, no automatic mail to that address for this many hours (0: none). */
  bounceSuppressHours: number;
  /** Called after a commit that queued mail, so the outbox can send at once. */
  onQueued?: () => void;
}

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
    const mail = await parseEmail(Buffer.isBuffer(input.raw) ? input.raw : { file: input.raw.file }, { sink: { take: (stream) => blobs.attachments.putStream(stream, this.deps.attachmentMaxBytes) } });
    const fromEngineer = this.deps.notifier.isEngineer(mail.from?.address);
    const [raw, files, dkimPass] = await Promise.all([
      stored,
      this.storeAttachments(mail),
      fromEngineer ? dkimPassDomains(rawBytes(input.raw), this.deps.dkimResolver).catch(() => []) : [],
    ]);
    return { input, mail, raw, files, dkimPass };
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
    const ctx = { db, mail, input, sha256: raw.sha256, numbering, roles: this.roles, trustedAuthservId: this.deps.trustedAuthservId };
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
    const hit = verdictOf(p.verdicts, 'followUpOf');
    const automated = verdictOf(p.verdicts, 'automated');
    const messageId = p.mail.messageId;
    const fromEngineer = this.deps.notifier.isEngineer(p.mail.from?.address);
    let notified = 0;
    const outcome = db.transaction((tx: Tx): Outcome => {
      const routed = this.route(tx, p, now);
      notified = routed.notified;
      recordOnMessage(tx, p, now);
      return routed.outcome;
    }, { behavior: 'immediate' });

    const report = () => {
      const rlog = log.child({ ticket: outcome.ticketNumber });
      if (outcome.outcome === 'command' || outcome.outcome === 'rejected' || outcome.outcome === 'answered') {
        rlog.info({ event: `intake.message.${outcome.outcome}`, ...outcome }, `intake.message.${outcome.outcome}`);
        this.deps.onQueued?.();
      } else if (outcome.outcome === 'appended') {
        rlog.info({ event: 'intake.message.appended', messageId, via: hit?.via, status: outcome.status, fromEngineer, notified }, 'intake.message.appended');
        if (notified > 0) this.deps.onQueued?.();
      } else if (outcome.outcome === 'bounced') {
        rlog.warn({ event: 'intake.message.bounced', messageId, recipients: outcome.recipients, suppressed: outcome.suppressed, notified }, 'intake.message.bounced');
        // Mail to someone inside the desk bounced: never answered with more mail to them (the rest of their line is told once a period).
        if (outcome.internal) rlog.warn({ event: 'intake.bounce.internal', messageId, addresses: outcome.internal, notified }, 'intake.bounce.internal');
        if (notified > 0) this.deps.onQueued?.();
      } else if (outcome.outcome === 'ignored') {
        const event = `intake.message.${outcome.reason}`; // loop, forged, automated (an engineer's machine)
        rlog.warn({ event, messageId, from: p.mail.from?.address, reason: outcome.reason === 'forged' ? verdictOf(p.verdicts, 'forged') : automated?.reason }, event);
      } else if (outcome.outcome === 'created') {
        rlog.info(
          { event: 'intake.message.stored', messageId, attachments: p.files.length, replyQueued: outcome.replyQueued, notified, suppressed: outcome.replySuppressed, linkedTo: outcome.linkedTo },
          'intake.message.stored',
        );
        if (outcome.replyQueued || notified > 0) this.deps.onQueued?.();
      }
    };
    return { outcome, report };
  }

  /** Which of the closed set of outcomes this message gets, and its writes (in the caller's transaction). */
  private route(tx: Tx, p: Prepared, now: Date): { outcome: Outcome; notified: number } {
    const v = (outcome: Outcome, notified = 0) => ({ outcome, notified });
    const fromEngineer = this.deps.notifier.isEngineer(p.mail.from?.address);
    // A customer our server says is disowned by their domain is a stranger to every request the mail names (an engineer's proofs are the desk's to check).
    const unproven = fromEngineer ? undefined : verdictOf(p.verdicts, 'unproven');
    const named = verdictOf(p.verdicts, 'followUpOf');
    const hit = unproven ? undefined : named;
    const automated = verdictOf(p.verdicts, 'automated');
    const forged = verdictOf(p.verdicts, 'forged');
    const messageId = p.mail.messageId;
    const sla = this.deps.sla;
    // Plan and severity a new request would get (machines' mail gets no SLA).
    const a = sla && !automated ? assign(sla, p.mail.from?.address, p.mail.subject, p.mail.text) : null;
    const query = verdictOf(p.verdicts, 'statusQuery');
    const bounce = verdictOf(p.verdicts, 'bounceOf');
    const mayAnswer = !verdictOf(p.verdicts, 'noReply');
    if (automated?.kind === 'loop' && !hit) return v(keptAlone(tx, p, now, { event: 'loop.detected', reason: 'loop', detail: automated.reason }));
    if (forged) return v(keptAlone(tx, p, now, { event: 'sender.forged', reason: 'forged', detail: forged }));
    if (bounce) {
      // Only a bounce that returns mail we sent joins that mail's request: what else it names (References, a number) anyone can write.
      const r = deliveryFailure(tx, p, bounce, now, { notifier: this.deps.notifier, suppressHours: this.deps.bounceSuppressHours, inside: (a) => this.roles.isOwn(a) || this.roles.isEngineer(a) });
      return v(r.internal.length > 0 ? { ...r.outcome, internal: r.internal } : r.outcome, r.notified);
    }
    if (fromEngineer && automated) return v(engineerMachine(tx, p, hit, automated, now));
    if (query && !automated && !fromEngineer) {
      return v(answerStatus(tx, p, query.number ?? hit?.number ?? null, now, { templates: this.deps.templates, engineers: this.deps.notifier.engineers, roles: this.roles, mayAnswer, believed: !unproven }));
    }
    if (hit && fromEngineer) return v(this.deps.desk.handle(tx, p, hit, now));
    if (hit) {
      const t = statusOf(tx, hit.ticketId);
      const effect = onCustomerReply(t.status, t.resolvedAt ? new Date(t.resolvedAt) : null, now, this.deps.reopenWindowMs);
      if (effect.action === 'append') {
        const change = effect.status && !automated ? { status: effect.status, reason: effect.reason! } : undefined;
        const r = appendFollowUp(tx, p, { hit, now, from: t.status, change, sla: this.deps.sla });
        const n = automated ? 0 : this.deps.notifier.queue(tx, { kind: 'followup', ticketId: hit.ticketId, mailbox: p.input.mailbox, mail: p.mail, at: now, status: r.status, files: p.files });
        return v({ outcome: 'appended', ticketNumber: hit.number, messageId, ...r }, n);
      }
      const c = createRequest(tx, p, this.deps, { now, assignment: a, linked: { ticketId: hit.ticketId, number: hit.number, reason: effect.reason ?? 'continued', as: 'continuation' } });
      return v(created(c, messageId, hit.number), c.notified);
    }
    if (sla?.unknownSenders === 'refuse' && !automated && !organisationOf(sla, p.mail.from?.address)) return v(refusedSender(tx, p, this.deps.templates, now, mayAnswer));
    const limited = a && sla ? overLimit(tx, p, a, sla, this.deps.templates, now, mayAnswer) : null;
    if (limited) return v(limited);
    // A sender who names a request they are not on gets one of their own, linked for the engineers, and learns nothing of the other.
    const stranger = verdictOf(p.verdicts, 'strangerTo') ?? named;
    const linked = stranger ? { ticketId: stranger.ticketId, number: stranger.number, reason: `${p.mail.from?.address ?? 'the sender'} is not on ${stranger.number} (${stranger.via})`, as: 'stranger' as const } : undefined;
    const c = createRequest(tx, p, this.deps, { now, assignment: a, linked });
    return v(created(c, messageId, stranger?.number), c.notified);
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
          size: a.size,
          sha256: a.sha256,
          stored,
          skipReason: stored ? null : (a.skipped ?? `larger than attachment_max_bytes (${a.size} > ${max})`),
        };
      }),
    );
  }
}

function created(c: { number: string; queued: boolean; suppressed?: string }, messageId: string | null, linkedTo?: string): Outcome {
  return {
    outcome: 'created',
    ticketNumber: c.number,
    messageId,
    replyQueued: c.queued,
    ...(c.suppressed ? { replySuppressed: c.suppressed } : {}),
    ...(linkedTo ? { linkedTo } : {}),
  };
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
