import nodemailer from 'nodemailer';
import type { ResolvedMailbox } from '../config/load';

/** What the outbox needs from SMTP. Tests may pass their own; the daemon passes nodemailer. */
export interface Mailer {
  send(mail: {
    from: { name: string; address: string };
    /** The To and Cc headers; the mail goes to envelopeTo alone (each participant's copy is a row of its own). */
    to: string;
    cc: readonly string[];
    envelopeTo: string;
    replyTo?: string | null;
    subject: string;
    text: string;
    /** With it the mail is multipart/alternative (text, then HTML). */
    html?: string | null;
    messageId: string;
    inReplyTo: string | null;
    references: string[];
    headers: Record<string, string>;
    attachments?: { filename: string | null; contentType: string; contentId?: string | null; content: Buffer }[];
  }): Promise<{ response: string }>;
  close(): void;
}

export function smtpMailer(mailbox: ResolvedMailbox): Mailer {
  const { smtp } = mailbox;
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: smtp.max_connections,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.require_tls,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password?.reveal() ?? '' } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: m.from,
        to: m.to,
        cc: m.cc.length > 0 ? [...m.cc] : undefined,
        envelope: { from: m.from.address, to: [m.envelopeTo] },
        replyTo: m.replyTo ?? undefined,
        subject: m.subject,
        text: m.text,
        html: m.html ?? undefined,
        messageId: m.messageId,
        inReplyTo: m.inReplyTo ?? undefined,
        references: m.references.length > 0 ? m.references : undefined,
        headers: m.headers,
        attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename ?? undefined, contentType: a.contentType, content: a.content, cid: a.contentId ?? undefined })),
      });
      return { response: String(info.response ?? '') };
    },
    close: () => transport.close(),
  };
}
