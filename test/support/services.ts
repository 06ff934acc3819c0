import path from 'node:path';
import pino from 'pino';
import { FakeClock } from '../../src/clock';
import type { ResolvedMailbox } from '../../src/config/load';
import { Secret } from '../../src/config/secret';
import { openDb } from '../../src/db/open';
import { Intake } from '../../src/intake/intake';
import { deskRoles } from '../../src/intake/roles';
import type { Mailer } from '../../src/outbox/mailer';
import { OutboxWorker, type OutboxOptions } from '../../src/outbox/worker';
import type { Filter } from '../../src/intake/types';
import type { IntakeDeps } from '../../src/intake/deps';
import { CommandDesk } from '../../src/intake/outcomes/command';
import { Notifier, type Engineer } from '../../src/compose/notify';
import type { Resolver } from '../../src/auth/dkim';
import type { SlaPolicy } from '../../src/sla/policy';
import type { RequiredInfo } from '../../src/intake/create';
import { Templates } from '../../src/compose/templates';
import { BlobStore } from '../../src/storage/blobs';
import { createNumbering } from '../../src/ticket/numbering';
import { root, tmpDir } from './env';

export const silent = pino({ level: 'silent' });

export function mailbox(over: Partial<ResolvedMailbox> = {}): ResolvedMailbox {
  return {
    name: 'support',
    line: 'L1',
    language: 'ru',
    time_zone: 'Europe/Moscow',
    addresses: ['support@example.test'],
    from_name: 'Служба поддержки',
    imap: { host: 'h', port: 993, tls: true, user: 'u', password: new Secret('p'), folder: 'INBOX', poll_seconds: 60, quarantine_folder: 'Quarantine', spam_folder: 'Spam', after: { action: 'move', folder: 'Stored', flag: '$HelpdeskStored' } },
    smtp: { host: 'h', port: 587, secure: false, require_tls: false, max_connections: 4 },
    ...over,
  };
}

/** Intake on a fresh database in a temp dir, with a fake clock: no network. */
export const ENGINEERS: Engineer[] = [
  { address: 'anna@vendor.test', name: 'Анна', line: 'L1' },
  { address: 'boris@vendor.test', name: 'Борис', line: 'L2' },
];
export const TOKEN_SECRET = new Secret('test-token-secret');

export function intakeHarness(
  opts: { attachmentMaxBytes?: number; templatesDir?: string; start?: string; filters?: readonly Filter[]; engineers?: readonly Engineer[]; dkimResolver?: Resolver; sla?: SlaPolicy; requiredInfo?: RequiredInfo; ownAddresses?: readonly string[]; spam?: IntakeDeps['spam']; participants?: IntakeDeps['participants']; ccOnReplies?: boolean; outgoingFilesMaxBytes?: number } = {},
) {
  const dataDir = tmpDir('unit');
  const db = openDb(dataDir, { migrate: true });
  const clock = new FakeClock(opts.start ?? '2026-11-20T09:30:00Z');
  const templates = new Templates(opts.templatesDir ?? path.join(root, 'templates'));
  let queued = 0;
  const notifier = new Notifier(templates, opts.engineers ?? [], TOKEN_SECRET);
  const ownAddresses = opts.ownAddresses ?? mailbox().addresses;
  const roles = deskRoles(ownAddresses, (a) => notifier.isEngineer(a));
  const copies = { onReplies: opts.ccOnReplies ?? true, never: (a: string) => roles.isOwn(a) || roles.isEngineer(a) };
  const intake = new Intake({
    db,
    clock,
    templates,
    notifier,
    desk: new CommandDesk({ templates, notifier, engineers: opts.engineers ?? [], auth: { secret: TOKEN_SECRET, trustedAuthservId: 'mx.vendor.test' }, sla: opts.sla, isOwn: roles.isOwn, copies, outgoingFilesMaxBytes: opts.outgoingFilesMaxBytes }),
    sla: opts.sla,
    requiredInfo: opts.requiredInfo,
    ownAddresses,
    participants: opts.participants,
    copies,
    trustedAuthservId: 'mx.vendor.test',
    tokenSecret: TOKEN_SECRET,
    log: silent,
    blobs: { raw: new BlobStore(path.join(dataDir, 'raw')), attachments: new BlobStore(path.join(dataDir, 'attachments')) },
    numbering: createNumbering({ format: 'SUP-{year}-{seq:6}', yearlyReset: true, timeZone: 'Europe/Moscow' }),
    attachmentMaxBytes: opts.attachmentMaxBytes ?? 1024,
    reopenWindowMs: 14 * 24 * 3600 * 1000,
    bounceSuppressHours: 72,
    onQueued: () => queued++,
    dkimResolver: opts.dkimResolver ?? (async () => Promise.reject(Object.assign(new Error('no DNS in unit tests'), { code: 'ENOTFOUND' }))),
    filters: opts.filters,
    spam: opts.spam,
  });
  const all = <T>(sql: string, ...p: unknown[]) => db.$client.prepare(sql).all(...p) as T[];
  return { dataDir, db, clock, intake, all, queuedCalls: () => queued, close: () => db.$client.close() };
}

/** An outbox worker on a harness's database and clock whose mailer only records what it is given (retries 1 s, at most 8 s). */
export function recordingOutbox(h: { db: ReturnType<typeof openDb>; clock: FakeClock }, o: Pick<OutboxOptions, 'gate' | 'heldSummary' | 'concurrency' | 'attachments'> = {}) {
  const sent: Parameters<Mailer['send']>[0][] = [];
  const mailer: Mailer = { send: async (m) => (sent.push(m), { response: '250 OK' }), close: () => undefined };
  const worker = new OutboxWorker({ db: h.db, clock: h.clock, log: silent, mailers: new Map([['support', mailer]]), retryInitialMs: 1000, retryMaxMs: 8000, ...o });
  return { worker, sent };
}
