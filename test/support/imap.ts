import type { MailServers } from '../../dev/devmail/servers';
import { simpleParser, type ParsedMail } from 'mailparser';
import { imap, waitFor } from './env';

export interface User {
  address: string;
  password: string;
}

async function withClient<T>(servers: MailServers, user: User, fn: (c: ReturnType<typeof imap>) => Promise<T>): Promise<T> {
  const client = imap(servers, user.address, user.password);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

/** Every message of a folder, raw. */
export function messagesIn(servers: MailServers, user: User, folder = 'INBOX') {
  return withClient(servers, user, async (client) => {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: { uid: number; raw: Buffer; flags: Set<string> }[] = [];
      if ((client.mailbox as { exists: number }).exists === 0) return out;
      for await (const m of client.fetch('1:*', { uid: true, source: true, flags: true })) out.push({ uid: m.uid, raw: m.source!, flags: m.flags ?? new Set() });
      return out;
    } finally {
      lock.release();
    }
  });
}

export function countIn(servers: MailServers, user: User, folder: string): Promise<number> {
  return withClient(servers, user, async (client) => {
    const list = await client.list();
    if (!list.some((f) => f.path === folder)) return 0;
    const s = await client.status(folder, { messages: true });
    return s ? (s.messages ?? 0) : 0;
  });
}

export function clearFolder(servers: MailServers, user: User, folder = 'INBOX'): Promise<void> {
  return withClient(servers, user, async (client) => {
    const list = await client.list();
    if (!list.some((f) => f.path === folder)) return;
    const lock = await client.getMailboxLock(folder);
    try {
      if ((client.mailbox as { exists: number }).exists > 0) await client.messageDelete('1:*');
    } finally {
      lock.release();
    }
  });
}

export function append(servers: MailServers, user: User, folder: string, raws: Buffer[]): Promise<void> {
  return withClient(servers, user, async (client) => {
    for (const raw of raws) await client.append(folder, raw);
  });
}

/** Deletes and recreates a folder: the server gives it a new UIDVALIDITY. */
export function recreateFolder(servers: MailServers, user: User, folder: string): Promise<{ before: bigint; after: bigint }> {
  return withClient(servers, user, async (client) => {
    const before = (await client.status(folder, { uidValidity: true })) as { uidValidity: bigint };
    await client.mailboxDelete(folder);
    await client.mailboxCreate(folder);
    const after = (await client.status(folder, { uidValidity: true })) as { uidValidity: bigint };
    return { before: before.uidValidity, after: after.uidValidity };
  });
}

export function createFolder(servers: MailServers, user: User, folder: string): Promise<void> {
  return withClient(servers, user, async (client) => {
    await client.mailboxCreate(folder);
  });
}

/**
 * Waits until the user's INBOX holds at least `count` mails that `which`
 * keeps (all, by default), and returns them parsed, with their raw bytes.
 */
export async function mailsOf(servers: MailServers, user: User, count: number, which: (m: ParsedMail) => boolean = () => true): Promise<(ParsedMail & { raw: Buffer })[]> {
  return waitFor(`${count} mails for ${user.address}`, async () => {
    const all = await Promise.all((await messagesIn(servers, user)).map(async (m) => Object.assign(await simpleParser(m.raw), { raw: m.raw })));
    const kept = all.filter(which);
    return kept.length >= count ? kept : undefined;
  }, 60_000, 200);
}
