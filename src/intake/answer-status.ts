import type { Engineer } from '../compose/recipients';
import { formatLocalTime, type Templates } from '../compose/templates';
import { ticketById, ticketByNumber } from '../requests/read';
import type { Tx } from '../requests/tx';
import { queueAnswer } from './answer';
import { tagSubject } from '../ticket/subject';
import { keepInbound, type Prepared } from './prepared';
import { isParticipant } from './thread/participants';
import type { Roles } from './roles';
import type { Outcome } from './types';

const STATUS_WORDS = {
  ru: { new: 'зарегистрировано', in_progress: 'в работе', awaiting_info: 'ждём информацию от вас', suspended: 'приостановлено', resolved: 'решено', closed: 'закрыто' },
  en: { new: 'registered', in_progress: 'in progress', awaiting_info: 'waiting for your information', suspended: 'suspended', resolved: 'resolved', closed: 'closed' },
} as const;

/**
 * Answers a status query: the request's status, responsible engineer and
 * dates to its requester or someone on its thread; a neutral answer with no
 * data to anyone else. The query itself is kept (on the request, or alone).
 */
export function answerStatus(
  tx: Tx,
  p: Prepared,
  number: string | null,
  now: Date,
  deps: { templates: Templates; engineers: readonly Engineer[]; roles: Roles; mayAnswer: boolean; believed: boolean },
): Outcome {
  const { mail, input } = p;
  const mailbox = input.mailbox;
  const lang = mailbox.language;
  const asker = mail.from?.address;
  const found = number ? ticketByNumber(tx, number) : null;
  const allowed = !!found && deps.believed && isParticipant(tx, found.id, asker, deps.roles);
  keepInbound(tx, p, { ticketId: allowed ? found!.id : null, at: now, event: { type: allowed ? 'status.queried' : 'status.query.refused', actor: asker ?? 'unknown', data: { number } } });
  if (asker && deps.mayAnswer) {
    const t = allowed ? ticketById(tx, found!.id)! : null;
    const engineer = t?.assignee ? deps.engineers.find((e) => e.address === t.assignee) : undefined;
    const { text, html } = t
      ? deps.templates.both('status-answer', lang, {
          number: t.number,
          subject: t.subject,
          status: STATUS_WORDS[lang][t.status as keyof (typeof STATUS_WORDS)['ru']] ?? t.status,
          responsible: engineer?.name ?? (lang === 'ru' ? `линия поддержки ${t.line}` : `support line ${t.line}`),
          updatedAt: formatLocalTime(new Date(t.updatedAt), mailbox.time_zone, lang),
          createdAt: formatLocalTime(new Date(t.createdAt), mailbox.time_zone, lang),
          plan: t.plan ?? '',
          resolutionDue: t.resolutionDue ? formatLocalTime(new Date(t.resolutionDue), mailbox.time_zone, lang) : '',
          supportName: mailbox.from_name,
        }, mailbox.signature)
      : deps.templates.both('status-unknown', lang, { supportName: mailbox.from_name }, mailbox.signature);
    const subject = t ? tagSubject(t.subject, t.number, '-') : lang === 'ru' ? 'Статус обращения' : 'Request status';
    queueAnswer(tx, p, { kind: t ? 'status' : 'status-unknown', to: asker, subject, text, html, ticketId: t?.id ?? null, idHint: t?.number ?? 'status' }, now);
  }
  return { outcome: 'answered', ticketNumber: allowed ? found!.number : null, messageId: mail.messageId, answered: !!asker && deps.mayAnswer };
}
