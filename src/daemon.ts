import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config/load';
import { openDb, type Db } from './db/open';
import { Intake } from './intake/intake';
import { hold } from './intake/quarantine';
import { MailboxWatcher } from './mailbox/watcher';
import { smtpMailer, type Mailer } from './outbox/mailer';
import { CommandDesk } from './intake/outcomes/command';
import { HeldSummary } from './compose/held-summary';
import { Notifier } from './compose/notify';
import { Templates } from './compose/templates';
import { OutboxWorker } from './outbox/worker';
import { recomputeProvisional } from './requests/ledger';
import type { SlaPolicy } from './sla/clock';
import { SlaPlans } from './sla/plans';
import { SlaSweep } from './sla/sweep';
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
 * The one place that builds the services from a config. wakeOutbox: false
 * for a one-shot command that flushes the outbox itself (or not at all)
 * before it closes the database.
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
  const notifier = new Notifier(templates, config.engineers, config.security.token_secret);
  const sla = slaPolicy(config);
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
    }),
    sla,
    ownAddresses: config.mailboxes.flatMap((m) => m.addresses),
    trustedAuthservId: config.security.trusted_authserv_id,
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
    onQueued: wake ? () => void outbox.flush().catch((err) => log.error({ event: 'outbox.error', err }, 'outbox.error')) : undefined,
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
        onQueued: () => void outbox.flush().catch((err) => log.error({ event: 'outbox.error', err }, 'outbox.error')),
      })
    : null;
  return { db, intake, outbox, templates, mailers, sla, sweep, blobs };
}

/**
 * The running daemon: one watcher per mailbox and the outbox timer.
 * stop() is the two-step shutdown: stop taking mail, then finish what is in flight.
 */
export class Daemon {
  private readonly watchers: MailboxWatcher[];
  private timer: NodeJS.Timeout | null = null;
  private daily: NodeJS.Timeout | null = null;
  private cronTask: ScheduledTask | null = null;

  constructor(
    private readonly config: Config,
    private readonly services: Services,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.watchers = config.mailboxes.map(
      (mailbox) =>
        new MailboxWatcher({
          mailbox,
          db: services.db,
          clock,
          log: log.child({ mailbox: mailbox.name }),
          receive: (input) => services.intake.receive(input),
          decide: (received) => services.intake.decide(received),
          quarantine: (o) => hold(services.db, services.blobs.raw, clock, o),
          spool: async (stream) => {
            const r = await services.blobs.raw.putStream(stream, Infinity);
            return { sha256: r.sha256, size: r.size, file: services.blobs.raw.pathOf(r.sha256) };
          },
          reconnect: { initialMs: config.reconnect.initial_seconds * 1000, maxMs: config.reconnect.max_seconds * 1000 },
        }),
    );
  }

  start(): void {
    this.log.info({ event: 'daemon.started', mailboxes: this.config.mailboxes.map((m) => m.name), dataDir: this.config.data_dir }, 'daemon.started');
    for (const w of this.watchers) w.start();
    const tick = () => void this.services.outbox.flush().catch((err) => this.log.error({ event: 'outbox.error', err }, 'outbox.error'));
    tick();
    this.timer = setInterval(tick, this.config.outbox.poll_seconds * 1000);
    this.checkCalendars();
    this.recomputeProvisional();
    this.daily = setInterval(() => this.checkCalendars(), 24 * 3600 * 1000);
    this.daily.unref();
    const sweep = this.services.sweep;
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
    if (this.timer) clearInterval(this.timer);
    if (this.daily) clearInterval(this.daily);
    await this.cronTask?.stop();
    this.services.outbox.stop();
    await Promise.all([...this.watchers.map((w) => w.stop()), this.services.outbox.idle()]);
    for (const m of this.services.mailers.values()) m.close();
    this.services.db.$client.close();
    this.log.info({ event: 'daemon.stopped' }, 'daemon.stopped');
  }

  reloadTemplates(): void {
    this.services.templates.clear();
  }
}
