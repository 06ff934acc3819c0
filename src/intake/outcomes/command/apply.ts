import type { AuthMethod } from '../../../auth/authenticate';
import type { Command, ParsedCommands } from '../../../commands/parse';
import type { Notifier } from '../../../compose/notify';
import { recompute } from '../../../requests/ledger';
import { attachmentsOf, firstInbound } from '../../../requests/read';
import { amend, changeStatus } from '../../../requests/status';
import type { TicketFields, TicketRow, Tx } from '../../../requests/tx';
import { severityIn, type SlaPolicy } from '../../../sla/policy';
import type { Status } from '../../../ticket/status';
import type { Reply } from './reply';

export type Wait = Extract<Command, { name: 'wait' }>;

/** What the commands make of the request: its status (and the #wait that set it) and its other fields. */
export interface Change {
  status: Status;
  wait?: Wait;
  update: TicketFields;
  /** A #status or #wait is among the commands. */
  statusCommand: boolean;
}

/** The request after the commands, computed: writes nothing. A first answer to the customer (text or files) starts the work. */
export function changeOf(t: TicketRow, parsed: ParsedCommands, sla: SlaPolicy | null | undefined, answers: boolean): Change {
  const update: TicketFields = {};
  let status = t.status as Status;
  let wait: Wait | undefined;
  for (const c of parsed.commands) {
    if (c.name === 'status') status = c.status;
    if (c.name === 'wait') {
      status = 'suspended';
      wait = c;
    }
    if (c.name === 'priority') {
      update.priority = c.priority;
      if (sla && t.plan) update.severity = severityIn(sla.plans, t.plan, c.priority);
    }
    if (c.name === 'type') update.type = c.type;
    if (c.name === 'assign') update.assignee = c.engineer;
    if (c.name === 'escalate') Object.assign(update, { line: c.line, assignee: null });
  }
  const statusCommand = parsed.commands.some((c) => c.name === 'status' || c.name === 'wait');
  if (!statusCommand && status === 'new' && answers) status = 'in_progress'; // the first answer to the customer
  return { status, wait, update, statusCommand };
}

/**
 * Applies the commands through the request service: the status change (with
 * its SLA clock) or the other fields, the deadlines again for a new severity,
 * and a notice to whoever the request is handed to.
 */
export function apply(r: Reply, parsed: ParsedCommands, method: AuthMethod, d: { sla?: SlaPolicy | null; notifier: Notifier; files: readonly unknown[] }): Change {
  const { tx, t, now, engineer } = r;
  const message = r.p.mail.messageId;
  const answers = !parsed.note && (parsed.body !== '' || d.files.length > 0);
  if (parsed.commands.length === 0 && !answers) {
    // Nothing of the engineer's own above the quote: nothing goes to the customer, and the engineer is told so.
    r.event('reply.empty', { message, auth: method, note: 'no text above the quoted mail and no command: nothing relayed' });
  }
  for (const c of parsed.commands) r.event('command.applied', { command: c.source, message, auth: method });
  const change = changeOf(t, parsed, d.sla, answers);
  const { status, wait, update } = change;
  if (status !== t.status) {
    const reason = wait ? `${wait.why}${wait.comment ? `: ${wait.comment}` : ''}` : change.statusCommand ? 'command' : 'first reply by an engineer';
    const sla = d.sla ? { plans: d.sla.plans, by: `${engineer.address}: ${parsed.commands.map((c) => c.source).join(' ') || 'reply'}` } : null;
    changeStatus(tx, { ticketId: t.id, messageId: r.messageId, from: t.status, to: status, at: now, actor: engineer.address, reason, also: update, sla });
  } else {
    amend(tx, { ticketId: t.id, at: now, set: update });
  }
  if (d.sla && update.severity && update.severity !== t.severity) recompute(tx, d.sla.plans, t.id);
  if ((update.line && update.line !== t.line) || (update.assignee && update.assignee !== t.assignee)) {
    const first = firstMail(tx, t.id);
    d.notifier.queue(tx, { kind: 'new', ticketId: t.id, mailbox: r.p.input.mailbox, mail: first?.mail ?? r.p.mail, at: now, files: first?.files });
  }
  return change;
}

/** The request's first message and its attachments: what an engineer it is handed to must see. */
function firstMail(tx: Tx, ticketId: number) {
  const m = firstInbound(tx, ticketId);
  if (!m) return null;
  return {
    mail: { from: m.fromAddress ? { address: m.fromAddress, name: m.fromName ?? '' } : null, subject: m.subject ?? '', text: m.text ?? '' },
    files: attachmentsOf(tx, m.id),
  };
}
