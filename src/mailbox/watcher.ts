import type { ImapFlow } from 'imapflow';
import type { Readable } from 'node:stream';
import type { StoredRaw } from '../storage/raw';
import { BatchPipeline, type BatchDeps } from './batch';
import { defaultConnect, openFolder, reconnecting, sessionEnd, type Connect } from './connection';
import { Scanner } from './scan';

export interface WatcherDeps extends BatchDeps {
  /** The waits between connections, and between rescans for messages a transient fault deferred. */
  reconnect: { initialMs: number; maxMs: number };
  /** Where a large message is streamed as it is fetched, so that it is never whole in memory (absent: fetched into memory). */
  spool?: (stream: Readable) => Promise<StoredRaw>;
  /** Intake reads the spam filter's verdict (intake.spam.trusted): spam is moved to the spam folder, made at connect. */
  readsSpam?: boolean;
  /** For tests: how the IMAP client is made. */
  connect?: Connect;
}

/**
 * Watches one IMAP folder over one connection: IDLE where the server has it,
 * polling otherwise. Each message is handed to intake; only after intake has
 * committed is it moved (or flagged), so a crash at any point leaves it in
 * the folder to be seen again, and intake's duplicate check makes that safe.
 */
export class MailboxWatcher {
  private client: ImapFlow | null = null;
  private readonly halt = new AbortController();
  private readonly scanner: Scanner;
  private loop: Promise<void> | null = null;

  constructor(private readonly d: WatcherDeps) {
    this.scanner = new Scanner({ ...d, batches: new BatchPipeline(d), retry: d.reconnect }, this.halt.signal);
  }

  start(): void {
    this.loop ??= reconnecting(() => this.session(), this.halt.signal, this.d);
  }

  /** Shutdown's first phase: no new session, scan or batch starts (a batch received is left in the folder, undecided). */
  stopTaking(): void {
    this.halt.abort();
  }

  /** Stops taking new mail, lets the message in flight finish, logs out. */
  async stop(): Promise<void> {
    this.stopTaking();
    await this.scanner.idle().catch(() => undefined);
    const client = this.client;
    if (client?.usable) await client.logout().catch(() => client.close());
    else client?.close();
    await this.loop;
  }

  /** One connection: connect, open the folder, scan, then scan again on news until the connection ends. */
  private async session(): Promise<void> {
    const { mailbox, log, clock } = this.d;
    // Once a session, when the server first waits in IDLE: from then on new mail is announced at once.
    let watching = false;
    const onIdle = () => {
      if (watching) return;
      watching = true;
      log.info({ event: 'imap.watching', folder: mailbox.imap.folder }, 'imap.watching');
    };
    const client = (this.d.connect ?? defaultConnect)(mailbox, onIdle);
    this.client = client;
    const end = sessionEnd(client, this.halt.signal);
    // The close that stop() makes (a connect or a command cut short) is no error of the server's: not logged.
    client.on('error', (err: Error) => {
      if (!this.halt.signal.aborted) log.warn({ event: 'imap.error', err: { message: err.message } }, 'imap.error');
    });
    try {
      const uidValidity = await openFolder(client, this.d);
      const scan = () => this.scanner.request(client, uidValidity);
      client.on('exists', scan);
      const poll = client.capabilities.has('IDLE') ? null : clock.setInterval(scan, mailbox.imap.poll_seconds * 1000, { unref: true });
      try {
        scan();
        await end.ended;
        await this.scanner.idle();
      } finally {
        clock.clearInterval(poll);
        this.scanner.endSession();
      }
    } finally {
      end.dispose();
      // A session that ends by itself closes its client: imapflow keeps the socket of a failed login
      // open (and every reconnect would leave one more). On stop, stop() logs the client out.
      if (!this.halt.signal.aborted) client.close();
    }
    if (!this.halt.signal.aborted) throw new Error('connection closed');
  }
}
