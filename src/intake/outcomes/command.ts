import type { AuthOptions } from '../../auth/authenticate';
import type { CommandContext } from '../../commands/parse';
import type { Notifier } from '../../compose/notify';
import type { Copies, Engineer } from '../../compose/recipients';
import type { Templates } from '../../compose/templates';
import type { Tx } from '../../requests/tx';
import type { SlaPolicy } from '../../sla/policy';
import type { Prepared } from '../prepared';
import type { ThreadHit } from '../thread/types';
import type { Outcome } from '../types';
import { apply } from './command/apply';
import { authenticate } from './command/authenticate';
import { readCommands } from './command/parse';
import { relay } from './command/relay';
import { filesToRelay } from './command/files';
import { applyPeople } from './command/people';
import { openReply } from './command/reply';
import { participantsOf } from '../../requests/read';
import type { Routed } from './customer';
import type { Env, Seen } from './seen';

export interface DeskDeps {
  templates: Templates;
  notifier: Notifier;
  engineers: readonly Engineer[];
  auth: AuthOptions;
  sla?: SlaPolicy | null;
  /** limits.outgoing_files_max_bytes: the files of one answer together (no limit when absent). */
  outgoingFilesMaxBytes?: number;
  /** The desk's own addresses (with any +tag): never made a participant or the requester by a command. */
  isOwn?: (address: string) => boolean;
  /** Participants copied on the answers relayed to the customer (none when absent). */
  copies?: Copies;
}

/**
 * The `command` outcome: an engineer's reply on a request. Authenticate it,
 * parse it, apply its commands all or nothing, relay the rest to the
 * customer, confirm to the engineer. Runs inside the intake transaction; every
 * write goes through the request service.
 */
export class CommandDesk {
  private readonly ctx: CommandContext;
  constructor(private readonly d: DeskDeps) {
    this.ctx = { engineers: d.engineers, lines: [...new Set(d.engineers.map((e) => e.line))], isOwn: d.isOwn };
  }

  handle(tx: Tx, p: Prepared, hit: ThreadHit, now: Date): Outcome {
    const r = openReply(tx, p, hit, now, this.d);
    const auth = authenticate(r, this.d.auth);
    if ('outcome' in auth) return auth.outcome;
    const read = readCommands(r, this.ctx, auth.method);
    if ('outcome' in read) return read.outcome;
    const files = filesToRelay(r, read.parsed, this.d.outgoingFilesMaxBytes ?? Infinity);
    if ('outcome' in files) return files.outcome;
    const d = { ...this.d, files: files.files };
    const change = apply(r, read.parsed, auth.method, d);
    const notes = [...files.kept, ...applyPeople(r, read.parsed)];
    const relayed = relay(r, read.parsed, change, d);
    const applied = read.parsed.commands.map((c) => c.source);
    const { status } = change;
    r.confirm({ applied, notes, relayed, status, participants: participantsOf(tx, r.t.id).map((x) => x.address) });
    return { outcome: 'command', ticketNumber: r.t.number, messageId: p.mail.messageId, applied, refused: [], relayed, status };
  }
}

/** The outcome table's handler: the reply of an engineer on the request it names. */
export function engineerReply(tx: Tx, p: Prepared, s: Seen, now: Date, { deps }: Env): Routed {
  return { outcome: deps.desk.handle(tx, p, s.hit!, now), notified: 0 };
}
