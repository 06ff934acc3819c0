import { z } from 'zod';
import { address, lineName, port, secretSchema, timeZone } from './fields';
import { signatureSchema } from './signature';

/** The mailboxes section: one IMAP account read and one SMTP server sent through, per desk address. */

const imapSchema = z.strictObject({
  host: z.string().min(1),
  port: port.default(993),
  tls: z.boolean().default(true),
  user: z.string().min(1),
  password: secretSchema,
  folder: z.string().min(1).default('INBOX'),
  poll_seconds: z.number().positive().default(60),
  /** Where a message that cannot be processed is moved (it is also kept in the database). */
  quarantine_folder: z.string().min(1).default('Helpdesk/Quarantine'),
  /** Where spam is moved (intake.spam; it is also kept in the database, for `helpdesk spam`). */
  spam_folder: z.string().min(1).default('Helpdesk/Spam'),
  after: z
    .strictObject({
      action: z.enum(['move', 'flag']).default('move'),
      folder: z.string().min(1).default('Helpdesk/Stored'),
      flag: z
        .string()
        .regex(/^[^\\\s()\]{%*"]+$/, 'an IMAP keyword such as $HelpdeskStored (no backslash, no spaces)')
        .default('$HelpdeskStored'),
    })
    .prefault({}),
});

const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: port.default(587),
  secure: z.boolean().default(false),
  require_tls: z.boolean().default(false),
  user: z.string().optional(),
  password: secretSchema.optional(),
  /** SMTP connections kept open and used side by side (nodemailer's pool). */
  max_connections: z.number().int().min(1).max(32).default(4),
});

export const mailboxSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _ only'),
  line: lineName.default('L1'),
  language: z.enum(['ru', 'en']).default('ru'),
  time_zone: timeZone.default('Europe/Moscow'),
  addresses: z.array(address).min(1),
  from_name: z.string().default('Support'),
  /** Added below every mail to a customer: {text, html}, either optional (config/signature.ts). */
  signature: signatureSchema,
  imap: imapSchema,
  smtp: smtpSchema,
});
