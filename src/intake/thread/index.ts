import { subjectNumber } from './10-subject-number';
import { references } from './20-references';
import { bodyNumber } from './30-body-number';
import { isParticipant } from './participants';
import type { ThreadCheck, ThreadContext, ThreadFound } from './types';

/** The checks that find the request of a reply, in order. */
export const threadChecks: readonly ThreadCheck[] = [subjectNumber, references, bodyNumber];

/**
 * The first request the mail names whose participant its sender is; else the
 * first it names at all, as one its sender is a stranger to (a request of
 * their own is opened, linked to it, and nothing of it is revealed).
 */
export function findThread(ctx: ThreadContext, checks: readonly ThreadCheck[] = threadChecks): ThreadFound | null {
  let first: ThreadFound | null = null;
  for (const c of checks) {
    for (const hit of c.find(ctx)) {
      if (isParticipant(ctx.db, hit.ticketId, ctx.mail.from?.address, ctx.roles)) return { joins: hit };
      first ??= { strangerTo: hit };
    }
  }
  return first;
}
