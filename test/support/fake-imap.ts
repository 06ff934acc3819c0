/** An IMAP client in memory for watcher tests: one folder of messages, every call recorded with the fake clock's time. */
import { EventEmitter } from 'node:events';
import type { ImapFlow } from 'imapflow';
import type { FakeClock } from '../../src/clock';

export interface FakeImapOptions {
  /** connect() rejects with this (a server that is down). */
  refuse?: Error & { code?: string };
  idle?: boolean;
  /** connect() waits until close(), then rejects, and the client emits 'error', as imapflow does when closed while connecting. */
  hang?: boolean;
  /** UID → raw message in the watched folder. */
  messages?: Map<number, Buffer>;
}

export class FakeImap extends EventEmitter {
  usable = false;
  private closed = false;
  capabilities: Set<string>;
  readonly calls: { what: string; at: number; args?: unknown[] }[] = [];
  readonly messages: Map<number, Buffer>;

  constructor(
    private readonly clock: FakeClock,
    private readonly o: FakeImapOptions = {},
  ) {
    super();
    this.capabilities = new Set(o.idle === false ? [] : ['IDLE']);
    this.messages = o.messages ?? new Map();
  }

  private call(what: string, args?: unknown[]): void {
    this.calls.push({ what, at: this.clock.now().getTime(), args });
  }

  async connect(): Promise<void> {
    this.call('connect');
    if (this.o.refuse) throw this.o.refuse;
    if (this.o.hang) {
      await new Promise<void>((resolve) => this.once('close', resolve));
      const err = new Error('Connection not available');
      this.emit('error', err);
      throw err;
    }
    this.usable = true;
  }
  async list() {
    return [{ path: 'INBOX' }, { path: 'Stored' }, { path: 'Quarantine' }];
  }
  async mailboxCreate(): Promise<void> {}
  async mailboxOpen() {
    return { uidValidity: 7n };
  }
  async search(): Promise<number[]> {
    this.call('search');
    return [...this.messages.keys()];
  }
  async *fetch(range: string) {
    for (const uid of range.split(',').map(Number)) {
      const source = this.messages.get(uid);
      if (source) yield { uid, source, size: source.length, internalDate: new Date(this.clock.now()) };
    }
  }
  async messageMove(range: string, folder: string): Promise<void> {
    this.call('move', [range, folder]);
    for (const uid of range.split(',').map(Number)) this.messages.delete(uid);
  }
  async messageFlagsAdd(): Promise<void> {}
  async logout(): Promise<void> {
    this.close();
  }
  close(): void {
    this.call('close');
    if (this.closed) return;
    this.closed = true;
    this.usable = false;
    this.emit('close');
  }
  /** The client as the watcher sees it. */
  get asImap(): ImapFlow {
    return this as unknown as ImapFlow;
  }
}
