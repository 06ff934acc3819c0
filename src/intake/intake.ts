import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { parseEmail, type ParsedEmail } from '../mail/parse';
import type { BlobStore } from '../storage/blobs';
import type { Numbering } from '../ticket/numbering';
import { addEvent, insertMessage, insertTicket, nextSeq, queueMail, type NewAttachment, type Tx } from '../ticket/store';
import { composeRegistration } from '../outbox/registration';
import type { Templates } from '../outbox/templates';
import { filters as defaultFilters } from './filters';
import { duplicate } from './filters/10-duplicate';
import { verdictOf, type Filter, type IntakeInput, type Outcome, type Verdict } from './types';

export interface IntakeDeps {
  db: Db;
  blobs: { raw: BlobStore; attachments: BlobStore };
  clock: Clock;
  numbering: Numbering;
  templates: Templates;
  log: Logger;
  attachmentMaxBytes: number;
  filters?: readonly Filter[];
  /** Called after a commit that queued mail, so the outbox can send at once. */
  onQueued?: () => void;
}

/**
 * Turns one raw message into a stored request: parse, keep the raw bytes, run
 * the filters, then act once on their verdicts in a single transaction.
 */
export class Intake {
  private readonly filters: readonly Filter[];
  constructor(private readonly deps: IntakeDeps) {
    this.filters = deps.filters ?? defaultFilters;
  }

  async process(input: IntakeInput): Promise<Outcome> {
    const { blobs, log } = this.deps;
    const rawRef = blobs.raw.put(input.raw);
    const mail = await parseEmail(input.raw);
    const dedupKey = mail.messageId ? `mid:${mail.messageId}` : `sha256:${rawRef.sha256}`;
    const ctx = { db: this.deps.db, mail, input, dedupKey };
    const verdicts = this.filters.map((f) => f.run(ctx)).filter((v): v is Verdict => v !== null);
    const ignored = (ticketNumber: string | null): Outcome => {
      log.info({ event: 'intake.message.duplicate', messageId: mail.messageId, ticket: ticketNumber }, 'intake.message.duplicate');
      return { outcome: 'ignored', reason: 'duplicate', ticketNumber, messageId: mail.messageId };
    };
    const dup = verdictOf(verdicts, 'duplicateOf');
    if (dup) return ignored(dup.ticketNumber);
    const files = this.storeAttachments(mail);
    try {
      return this.create(input, mail, rawRef, dedupKey, verdicts, files);
    } catch (err) {
      // Another process (a second daemon, `helpdesk ingest`) stored the same message between our check and our commit.
      const again = isDedupConflict(err) ? verdictOf([duplicate.run(ctx)].filter((v): v is Verdict => v !== null), 'duplicateOf') : undefined;
      if (again) return ignored(again.ticketNumber);
      throw err;
    }
  }

  private storeAttachments(mail: ParsedEmail): NewAttachment[] {
    const max = this.deps.attachmentMaxBytes;
    return mail.attachments.map((a) => {
      const stored = a.size <= max;
      if (stored) this.deps.blobs.attachments.put(a.content);
      return {
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        sha256: a.sha256,
        stored,
        skipReason: stored ? null : `larger than attachment_max_bytes (${a.size} > ${max})`,
      };
    });
  }

  private create(
    input: IntakeInput,
    mail: ParsedEmail,
    rawRef: { sha256: string; size: number },
    dedupKey: string,
    verdicts: Verdict[],
    files: NewAttachment[],
  ): Outcome {
    const { db, clock, numbering, templates } = this.deps;
    const now = clock.now();
    const at = now.toISOString();
    const automated = verdictOf(verdicts, 'automated');
    const noReply = verdictOf(verdicts, 'noReply');
    const suppressed = automated ? `automated (${automated.reason})` : noReply;

    const result = db.transaction((tx: Tx) => {
      const scope = numbering.scopeFor(input.receivedAt);
      const seq = nextSeq(tx, scope);
      const number = numbering.format(scope, seq);
      const ticketId = insertTicket(tx, {
        number,
        scope,
        seq,
        mailbox: input.mailbox.name,
        subject: mail.subject,
        requesterAddress: mail.from?.address ?? null,
        requesterName: mail.from?.name || null,
        language: input.mailbox.language,
        createdAt: input.receivedAt.toISOString(),
        updatedAt: at,
      });
      const messageId = insertMessage(
        tx,
        {
          ticketId,
          direction: 'in',
          mailbox: input.mailbox.name,
          messageId: mail.messageId,
          dedupKey,
          rawSha256: rawRef.sha256,
          rawSize: rawRef.size,
          fromAddress: mail.from?.address ?? null,
          fromName: mail.from?.name ?? null,
          toJson: JSON.stringify(mail.to),
          ccJson: JSON.stringify(mail.cc),
          subject: mail.subject,
          date: mail.date?.toISOString() ?? null,
          inReplyTo: mail.inReplyTo,
          referencesJson: JSON.stringify(mail.references),
          text: mail.text,
          automated: automated ? JSON.stringify(automated) : null,
          verdictsJson: JSON.stringify(verdicts),
          imapUid: input.imapUid ?? null,
          createdAt: at,
        },
        files,
      );
      addEvent(tx, { ticketId, messageId, type: 'ticket.created', actor: mail.from?.address ?? 'unknown', at: now, data: { mailbox: input.mailbox.name } });
      for (const f of files.filter((x) => !x.stored)) {
        addEvent(tx, { ticketId, messageId, type: 'attachment.skipped', actor: 'system', at: now, data: { filename: f.filename, size: f.size, reason: f.skipReason } });
      }
      if (suppressed) {
        addEvent(tx, { ticketId, messageId, type: 'reply.suppressed', actor: 'system', at: now, data: { reason: suppressed } });
        return { number, queued: false };
      }
      const reply = composeRegistration(templates, input.mailbox, mail, number, input.receivedAt);
      queueMail(tx, {
        ticketId,
        kind: 'registration',
        mailbox: input.mailbox.name,
        messageId: reply.messageId,
        fromAddress: reply.fromAddress,
        fromName: reply.fromName,
        toAddress: reply.toAddress,
        subject: reply.subject,
        text: reply.text,
        inReplyTo: reply.inReplyTo,
        referencesJson: JSON.stringify(reply.references),
        nextAttemptAt: at,
        createdAt: at,
      });
      addEvent(tx, { ticketId, messageId, type: 'reply.queued', actor: 'system', at: now, data: { kind: 'registration', messageId: reply.messageId } });
      return { number, queued: true };
    }, { behavior: 'immediate' });

    this.deps.log.child({ ticket: result.number }).info(
      { event: 'intake.message.stored', messageId: mail.messageId, attachments: files.length, replyQueued: result.queued, suppressed },
      'intake.message.stored',
    );
    if (result.queued) this.deps.onQueued?.();
    return { outcome: 'created', ticketNumber: result.number, messageId: mail.messageId, replyQueued: result.queued, ...(suppressed ? { replySuppressed: suppressed } : {}) };
  }
}

function isDedupConflict(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /dedup/.test(String(err));
}
