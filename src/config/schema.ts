import { z } from 'zod';
import { address, lineName, secretSchema, timeZone } from './fields';
import { mailboxSchema } from './mailboxes';
import { calendarsSchema, plansSchema, slaSchema } from './sla';

export { secretSchema, type SecretRef } from './fields';

/**
 * The configuration as admins write it (YAML, snake_case). Every key has a
 * default here and a comment in config/helpdesk.example.yaml; unknown keys are
 * errors, so a typo never silently falls back to a default. The sections of
 * their own: mailboxes.ts, sla.ts (with calendars and plans); value types
 * several sections use: fields.ts.
 */

const engineerSchema = z.strictObject({
  address,
  name: z.string().min(1),
  line: lineName.default('L1'),
  /** Which proofs that a mail is really theirs are accepted for their commands. */
  accept: z.array(z.enum(['token', 'dkim', 'authentication-results'])).min(1).default(['token', 'dkim', 'authentication-results']),
});

const rateLimit = z.strictObject({ minutes: z.number().positive(), max: z.number().int().nonnegative() });
const spamRule = z
  .strictObject({
    header: z.string().regex(/^[\x21-\x39\x3b-\x7e]+$/, 'not a header name'),
    is: z.array(z.string().min(1)).min(1).optional(),
    starts_with: z.array(z.string().min(1)).min(1).optional(),
    above: z.number().optional(),
  })
  .refine((r) => [r.is, r.starts_with, r.above].filter((x) => x !== undefined).length === 1, 'give exactly one of is, starts_with, above');
/** The defaults: SpamAssassin, rspamd, Yandex, and a score over the usual thresholds (SpamAssassin 5, rspamd's "add header" 6). */
export const DEFAULT_SPAM_RULES: readonly z.infer<typeof spamRule>[] = [
  { header: 'X-Spam-Flag', is: ['YES'] },
  { header: 'X-Spam-Status', starts_with: ['Yes'] },
  { header: 'X-Spam', is: ['Yes'] },
  { header: 'X-Spam-Action', is: ['reject', 'add header', 'rewrite subject'] },
  { header: 'X-Yandex-Spam', is: ['4'] },
  { header: 'X-Spam-Score', above: 5 },
  { header: 'X-Rspamd-Score', above: 6 },
];

/** A cap: at most `max` mails in any `minutes`. */
export type RateLimit = z.infer<typeof rateLimit>;

export const configSchema = z
  .strictObject({
    data_dir: z.string().min(1).default('./data'),
    /** Absent: the templates/ folder shipped with mail-helpdesk. */
    templates_dir: z.string().min(1).optional(),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
      })
      .prefault({}),
    numbering: z
      .strictObject({
        format: z
          .string()
          .default('SUP-{year}-{seq:6}')
          .refine((f) => /\{seq(:\d+)?\}/.test(f), { message: 'must contain {seq} or {seq:N}' }),
        yearly_reset: z.boolean().default(true),
        time_zone: timeZone.default('Europe/Moscow'),
      })
      .prefault({}),
    requests: z
      .strictObject({
        reopen_days: z.number().nonnegative().default(14),
        /** The plan of senders that belong to no organisation; null: no SLA for them. */
        default_plan: z.string().nullable().default(null),
        /** Senders of no organisation: register them (under default_plan) or refuse with an explanation (the mail is kept). */
        unknown_senders: z.enum(['register', 'refuse']).default('register'),
        /** cc: the To and Cc people of a customer's first mail become participants; proven: only when our server vouches for its From (dmarc=pass); none: nobody. */
        participants: z.enum(['cc', 'proven', 'none']).default('cc'),
        /** At most this many are taken from one mail (a mail Cc'd to hundreds must not make the desk write to hundreds). */
        max_participants: z.number().int().nonnegative().default(10),
        /** Participants get, in Cc, the mail the requester gets: the registration reply, engineers' answers, notices. */
        cc_participants_on_replies: z.boolean().default(true),
        /** What a new request must contain; a missing item is listed in the registration reply. */
        required_info: z
          .array(
            z.strictObject({
              name: z.string().min(1),
              /** How the customer reads it, per language. */
              label: z.strictObject({ ru: z.string().min(1), en: z.string().min(1) }),
              /** Found when this regular expression (case-insensitive) matches the subject or text. */
              pattern: z.string().refine((p) => {
                try {
                  new RegExp(p, 'iu');
                  return true;
                } catch {
                  return false;
                }
              }, 'not a regular expression'),
            }),
          )
          .default([]),
        /** A request with missing information waits for the customer from the start (its SLA clock paused). */
        wait_for_missing_info: z.boolean().default(false),
        /** Severity of a new request unless a keyword raises it. */
        default_severity: z.enum(['critical', 'high', 'medium', 'low']).default('medium'),
        /** Words in the subject or text that raise a new request's severity. */
        severity_keywords: z
          .strictObject({ critical: z.array(z.string().min(1)).default([]), high: z.array(z.string().min(1)).default([]) })
          .prefault({}),
      })
      .prefault({}),
    organisations: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          domains: z.array(z.string().min(1).transform((d) => d.toLowerCase())).default([]),
          contacts: z.array(address).default([]),
          /** At most this many named contacts (Extended: 4). */
          max_contacts: z.number().int().positive().optional(),
          plan: z.string().min(1),
          /** The customer's time zone: working-day calendars count their hours in it. Default: the calendar's. */
          time_zone: timeZone.optional(),
        }),
      )
      .default([]),
    intake: z
      .strictObject({
        spam: z
          .strictObject({
            /**
             * The spam headers are read only when a filter of the admin's, in front of the desk, writes them
             * (and removes the sender's own); then only the topmost of each header is read. Off by default:
             * anyone can write X-Spam-Flag into their mail.
             */
            trusted: z.boolean().default(false),
            /** What in a header means spam; the defaults read SpamAssassin, rspamd, Yandex and the two score headers. */
            rules: z.array(spamRule).min(1).default(() => DEFAULT_SPAM_RULES.map((r) => structuredClone(r))),
          })
          .prefault({}),
      })
      .prefault({}),
    limits: z
      .strictObject({
        attachment_max_bytes: z.number().int().positive().default(25 * 1024 * 1024),
        /** The files of one engineer's answer together, as relayed to the customer (base64 adds a third on the wire). */
        outgoing_files_max_bytes: z.number().int().positive().default(20 * 1024 * 1024),
      })
      .prefault({}),
    outbox: z
      .strictObject({
        poll_seconds: z.number().positive().default(5),
        retry_initial_seconds: z.number().positive().default(30),
        retry_max_seconds: z.number().positive().default(3600),
        /**
         * Caps on automatic mail to people outside the desk (everything but engineers' answers relayed to
         * customers, and mail to engineers): at most `max` mails per `minutes`. What a cap holds back is
         * kept in the outbox as held, with the reason.
         */
        per_recipient_limits: z.array(rateLimit).default([
          { minutes: 10, max: 10 },
          { minutes: 600, max: 100 },
        ]),
        global_limits: z.array(rateLimit).default([{ minutes: 60, max: 5000 }]),
        /**
         * Caps on the notifications each engineer (or escalation address) gets: new request, follow-up, bounce
         * and command confirmations (SLA notices are not capped; engineers' answers relayed to customers never
         * are). What a cap holds back goes out by itself when the window allows; the engineer gets one summary
         * mail (template held-summary) per cap window when it starts holding.
         */
        engineer_limits: z.array(rateLimit).default([
          { minutes: 10, max: 20 },
          { minutes: 600, max: 200 },
        ]),
        /** After a permanent bounce, no automatic mail goes to that address for this many hours (0: no suppression). */
        bounce_suppress_hours: z.number().nonnegative().default(72),
      })
      .prefault({}),
    reconnect: z
      .strictObject({
        initial_seconds: z.number().positive().default(1),
        max_seconds: z.number().positive().default(300),
      })
      .prefault({}),
    sla: slaSchema,
    engineers: z.array(engineerSchema).default([]),
    calendars: calendarsSchema,
    plans: plansSchema,
    security: z
      .strictObject({
        token_secret: secretSchema.optional(),
        trusted_authserv_id: z.string().min(1).optional(),
      })
      .prefault({}),
    mailboxes: z.array(mailboxSchema).min(1),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.mailboxes.forEach((m, i) => {
      if (seen.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: ['mailboxes', i, 'name'], message: `duplicate mailbox name "${m.name}"` });
      }
      seen.set(m.name, i);
    });
    const engineers = new Set<string>();
    cfg.engineers.forEach((e, i) => {
      if (engineers.has(e.address)) ctx.addIssue({ code: 'custom', path: ['engineers', i, 'address'], message: `duplicate engineer ${e.address}` });
      engineers.add(e.address);
    });
    cfg.organisations.forEach((o, i) => {
      if (o.max_contacts !== undefined && o.contacts.length > o.max_contacts) {
        ctx.addIssue({ code: 'custom', path: ['organisations', i, 'contacts'], message: `${o.contacts.length} contacts, more than max_contacts (${o.max_contacts})` });
      }
      if (!cfg.plans[o.plan]) ctx.addIssue({ code: 'custom', path: ['organisations', i, 'plan'], message: `no plan "${o.plan}" (have: ${Object.keys(cfg.plans).join(', ') || 'none'})` });
    });
    if (cfg.requests.default_plan !== null && !cfg.plans[cfg.requests.default_plan]) {
      ctx.addIssue({ code: 'custom', path: ['requests', 'default_plan'], message: `no plan "${cfg.requests.default_plan}"` });
    }
    for (const [name, plan] of Object.entries(cfg.plans)) {
      if (!cfg.calendars[plan.calendar]) ctx.addIssue({ code: 'custom', path: ['plans', name, 'calendar'], message: `no calendar "${plan.calendar}" (have: ${Object.keys(cfg.calendars).join(', ') || 'none'})` });
      for (const [sev, t] of Object.entries(plan.severities)) {
        if (t.calendar && !cfg.calendars[t.calendar]) ctx.addIssue({ code: 'custom', path: ['plans', name, 'severities', sev, 'calendar'], message: `no calendar "${t.calendar}"` });
      }
    }
    const numberingProblem = numberingError(cfg.numbering.format, cfg.numbering.yearly_reset);
    if (numberingProblem) ctx.addIssue({ code: 'custom', path: ['numbering', 'format'], message: numberingProblem });
    if (cfg.engineers.length > 0 && !cfg.security.token_secret) {
      ctx.addIssue({ code: 'custom', path: ['security', 'token_secret'], message: 'is required when engineers are listed (it signs their reply addresses)' });
    }
  });

/**
 * Why a numbering cannot work, or null. With a yearly reset the sequence
 * starts at 1 again every year, so without {year} the first request of a new
 * year would get the number of the first of the last year: every new request
 * would fail from 1 January on. A number needs a letter of its own too, or a
 * bare "[42]" in any subject would name a request.
 */
export function numberingError(format: string, yearlyReset: boolean): string | null {
  if (yearlyReset && !format.includes('{year}')) return 'must contain {year} while numbering.yearly_reset is true (numbers restart every year and would repeat); add {year} or set yearly_reset: false';
  const literal = format.replace(/\{year\}|\{seq(?::\d+)?\}/g, '');
  if (!/\p{L}/u.test(literal)) return 'must contain at least one letter besides {year} and {seq} (e.g. "SUP-{year}-{seq:6}"), so that a number is told from any other number';
  if (/[\[\]\s]/.test(literal)) return 'must not contain spaces or square brackets (the number is written as [NUMBER] in subjects)';
  const width = /\{seq:(\d+)\}/.exec(format)?.[1];
  if (width !== undefined && (Number(width) < 1 || Number(width) > 12)) return '{seq:N} must have N from 1 to 12';
  return null;
}

export type RawConfig = z.infer<typeof configSchema>;
export type MailboxConfig = RawConfig['mailboxes'][number];
