import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock, Timer } from './clock';
import type { Config } from './config/load';
import { openDb, type Db } from './db/open';
import { Intake } from './intake/intake';
import { deskRoles } from './intake/roles';
import { hold } from './intake/quarantine';
import { MailboxWatcher } from './mailbox/watcher';
import { smtpMailer, type Mailer } from './outbox/mailer';
import { CommandDesk } from './intake/outcomes/command';
import { HeldSummary } from './compose/held-summary';
import { Notifier } from './compose/notify';
import { Templates } from './compose/templates';
import { OutboxWorker } from './outbox/worker';
import { recomputeProvisional } from './requests/ledger';
import type { SlaPolicy } from './sla/policy';
import { SlaPlans } from './sla/plans';
import { SlaSweep } from './sweep/sweep';
import cron, { type ScheduledTask } from 'node-cron';
import { BlobStore } from './storage/blobs';
import { createNumbering } from './ticket/numbering';

export interface Services {
  sla: SlaPolicy | null;
  sweep: SlaSweep | null;
  blobs: { raw: BlobStore; attachments: BlobStore };
  db: Db;
  intake: Intake;
  outbox: OutboxWorker;
  templates: Templates;
  mailers: Map<string, Mailer>;
  /** One watcher per mailbox, not started. */
  watchers: MailboxWatcher[];
  /** Flushes the outbox in the background; a failure is logged (outbox.error). */
  wakeOutbox: () => void;
  /**
   * Shutdown, both phases: take no more mail and start no more sends; then
   * let the messages and the mail in flight finish, and close the SMTP pools
   * and the database.
   */
  shutdown: () => Promise<void>;
}

/** The SLA policy of a config, or null when it has no plans. */
export function slaPolicy(config: Config): SlaPolicy | null {
  if (Object.keys(config.plans).length === 0) return null;
  return {
    plans: new SlaPlans(config),
    organisations: config.organisations,
    defaultPlan: config.requests.default_plan,
    unknownSenders: config.requests.unknown_senders,
    defaultSeverity: config.requests.default_severity,
    keywords: config.requests.severity_keywords,
  };
}

/**
 * The one place that builds the services from a config, the mailbox
 * watchers and the shutdown included. wakeOutbox: false for a one-shot
 * command that flushes the outbox itself (or not at all) before it closes
 * the database: intake then does not wake the outbox.
 */
export function buildServices(config: Config, clock: Clock, log: Logger, opts: { wakeOutbox?: boolean } = {}): Services {
  const wake = opts.wakeOutbox ?? true;
  const db = openDb(config.data_dir, { migrate: true });
  const templates = new Templates(path.resolve(config.templates_dir));
  const mailers = new Map(config.mailboxes.map((m) => [m.name, smtpMailer(m)] as const));
  const blobs = { raw: new BlobStore(path.join(config.data_dir, 'raw')), attachments: new BlobStore(path.join(config.data_dir, 'attachments')) };
  const outbox = new OutboxWorker({
    db,
    clock,
    log: log.child({ component: 'outbox' }),
    mailers,
    retryInitialMs: config.outbox.retry_initial_seconds * 1000,
    retryMaxMs: config.outbox.retry_max_seconds * 1000,
    attachments: blobs.attachments,
    concurrency: Math.max(...config.mailboxes.map((m) => m.smtp.max_connections)),
    gate: {
      perRecipient: config.outbox.per_recipient_limits,
      global: config.outbox.global_limits,
      internal: [...config.engineers.map((e) => e.address), ...Object.values(config.sla.escalation)],
      perEngineer: config.outbox.engineer_limits,
    },
    heldSummary: new HeldSummary(templates, config.mailboxes),
  });
  const wakeOutbox = () => void outbox.flush().catch((err) => log.error({ event: 'outbox.error', err }, 'outbox.error'));
  const notifier = new Notifier(templates, config.engineers, config.security.token_secret);
  const sla = slaPolicy(config);
  const ownAddresses = config.mailboxes.flatMap((m) => m.addresses);
  const roles = deskRoles(ownAddresses, (a) => notifier.isEngineer(a));
  const copies = { onReplies: config.requests.cc_participants_on_replies, never: (a: string) => roles.isOwn(a) || roles.isEngineer(a) };
  const intake = new Intake({
    db,
    clock,
    templates,
    notifier,
    desk: new CommandDesk({
      templates,
      notifier,
      engineers: config.engineers,
      auth: { secret: config.security.token_secret, trustedAuthservId: config.security.trusted_authserv_id },
      sla,
      isOwn: roles.isOwn,
      outgoingFilesMaxBytes: config.limits.outgoing_files_max_bytes,
      copies,
    }),
    sla,
    ownAddresses,
    participants: { from: config.requests.participants, max: config.requests.max_participants },
    copies,
    trustedAuthservId: config.security.trusted_authserv_id,
    tokenSecret: config.security.token_secret,
    spam: config.intake.spam,
    log: log.child({ component: 'intake' }),
    blobs,
    numbering: createNumbering({
      format: config.numbering.format,
      yearlyReset: config.numbering.yearly_reset,
      timeZone: config.numbering.time_zone,
    }),
    attachmentMaxBytes: config.limits.attachment_max_bytes,
    reopenWindowMs: config.requests.reopen_days * 24 * 3600 * 1000,
    bounceSuppressHours: config.outbox.bounce_suppress_hours,
    requiredInfo: { items: config.requests.required_info, wait: config.requests.wait_for_missing_info },
    onQueued: wake ? wakeOutbox : undefined,
  });
  const sweep = sla
    ? new SlaSweep({
        db,
        clock,
        log: log.child({ component: 'sla' }),
        plans: sla.plans,
        templates,
        engineers: config.engineers,
        mailboxes: config.mailboxes,
        escalation: config.sla.escalation,
        copies,
        forwardAddress: (mailbox, address) => notifier.forwardAddressFor(mailbox, address),
        onQueued: wakeOutbox,
      })
    : null;
  const watchers = config.mailboxes.map(
    (mailbox) =>
      new MailboxWatcher({
        mailbox,
        db,
        clock,
        log: log.child({ mailbox: mailbox.name }),
        receive: (input) => intake.receive(input),
        decide: (received) => intake.decide(received),
        quarantine: (o) => hold(db, blobs.raw, clock, o),
        spool: async (stream) => {
          const r = await blobs.raw.putStream(stream, Infinity);
          return { sha256: r.sha256, size: r.size, file: blobs.raw.pathOf(r.sha256) };
        },
        reconnect: { initialMs: config.reconnect.initial_seconds * 1000, maxMs: config.reconnect.max_seconds * 1000 },
        readsSpam: config.intake.spam.trusted,
      }),
  );
  const shutdown = async () => {
    // Phase 1: take no more mail, start no more sends.
    outbox.stop();
    for (const w of watchers) w.stopTaking();
    // Phase 2: what is in flight finishes (and the watchers log out); then the pools and the database close.
    await Promise.all([...watchers.map((w) => w.stop()), outbox.idle()]);
    for (const m of mailers.values()) m.close();
    db.$client.close();
  };
  return { db, intake, outbox, templates, mailers, sla, sweep, blobs, watchers, wakeOutbox, shutdown };
}

/** What the daemon runs: the services buildServices made. */
export type DaemonServices = Pick<Services, 'db' | 'sla' | 'sweep' | 'templates' | 'watchers' | 'wakeOutbox' | 'shutdown'>;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The running daemon: starts what it is given (the watchers), and runs the
 * outbox, the daily calendar check and the SLA sweep on their schedules.
 * stop() ends those, then the services' two-phase shutdown.
 */
export class Daemon {
  private outboxTimer: Timer | null = null;
  private daily: Timer | null = null;
  private cronTask: ScheduledTask | null = null;

  constructor(
    private readonly config: Config,
    private readonly services: DaemonServices,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    const { services, clock } = this;
    this.log.info({ event: 'daemon.started', mailboxes: this.config.mailboxes.map((m) => m.name), dataDir: this.config.data_dir }, 'daemon.started');
    for (const w of services.watchers) w.start();
    services.wakeOutbox();
    this.outboxTimer = clock.setInterval(services.wakeOutbox, this.config.outbox.poll_seconds * 1000);
    this.checkCalendars();
    this.recomputeProvisional();
    this.daily = clock.setInterval(() => this.checkCalendars(), DAY_MS, { unref: true });
    const sweep = services.sweep;
    if (sweep) {
      const run = () => {
        try {
          sweep.run();
        } catch (err) {
          this.log.error({ event: 'sla.sweep.failed', err: { message: (err as Error).message } }, 'sla.sweep.failed');
        }
      };
      run();
      this.cronTask = cron.schedule(this.config.sla.sweep_cron, run, { noOverlap: true, name: 'sla-sweep' });
    }
  }

  /** Warns when a working-day calendar's year (this one, or from December on the next one) is provisional: no decree in its data. */
  checkCalendars(): void {
    for (const m of this.services.sla?.plans.provisional(this.clock.now()) ?? []) {
      this.log.warn({ event: 'sla.calendar.no_holiday_data', calendar: m.calendar, years: m.years, provisional: true, computedBy: m.computedBy, file: m.file }, 'sla.calendar.no_holiday_data');
    }
  }

  /** Deadlines counted through provisional years follow the calendar data this daemon started with (a decree imported since). */
  private recomputeProvisional(): void {
    const plans = this.services.sla?.plans;
    if (!plans) return;
    const n = recomputeProvisional(this.services.db, plans);
    if (n > 0) this.log.info({ event: 'sla.deadlines.recomputed', requests: n, why: 'provisional' }, 'sla.deadlines.recomputed');
  }

  async stop(): Promise<void> {
    this.log.info({ event: 'daemon.stopping' }, 'daemon.stopping');
    this.clock.clearInterval(this.outboxTimer);
    this.clock.clearInterval(this.daily);
    await this.cronTask?.stop();
    await this.services.shutdown();
    this.log.info({ event: 'daemon.stopped' }, 'daemon.stopped');
  }

  reloadTemplates(): void {
    this.services.templates.clear();
  }
}
