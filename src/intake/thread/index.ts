import { subjectNumber } from './10-subject-number';
import { references } from './20-references';
import { bodyNumber } from './30-body-number';
import type { ThreadCheck, ThreadContext, ThreadHit } from './types';

/** The checks that find the request of a reply, in order; the first hit wins. */
export const threadChecks: readonly ThreadCheck[] = [subjectNumber, references, bodyNumber];

export function findThread(ctx: ThreadContext, checks: readonly ThreadCheck[] = threadChecks): ThreadHit | null {
  for (const c of checks) {
    const hit = c.find(ctx);
    if (hit) return hit;
  }
  return null;
}
