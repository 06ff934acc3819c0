/** The life of a request. */
export const STATUSES = ['new', 'in_progress', 'awaiting_info', 'suspended', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export type CustomerReplyEffect =
  | { action: 'append'; status?: Status; reason?: string }
  | { action: 'new-linked'; reason: string };

/**
 * What a customer's reply does to its request (pure).
 * Waiting for the customer → back in progress (this ends an SLA pause);
 * resolved → reopened within the reopen window; closed, or resolved long
 * ago → a new request that links the old one. Otherwise it is just added.
 */
export function onCustomerReply(status: string, resolvedAt: Date | null, now: Date, reopenWindowMs: number): CustomerReplyEffect {
  switch (status) {
    case 'awaiting_info':
      return { action: 'append', status: 'in_progress', reason: 'the customer answered' };
    case 'resolved':
      if (resolvedAt && now.getTime() - resolvedAt.getTime() <= reopenWindowMs) {
        return { action: 'append', status: 'in_progress', reason: 'reopened by the customer within the reopen window' };
      }
      return { action: 'new-linked', reason: 'resolved longer ago than the reopen window' };
    case 'closed':
      return { action: 'new-linked', reason: 'the request is closed' };
    default:
      return { action: 'append' };
  }
}
