import type { TicketRow } from '../requests/tx';

/** An engineer of the desk (config `engineers`). */
export interface Engineer {
  address: string;
  name: string;
  line: string;
  accept?: readonly ('token' | 'dkim' | 'authentication-results')[];
}

export function isEngineer(engineers: readonly Engineer[], address: string | undefined | null): boolean {
  return !!address && engineers.some((e) => e.address === address);
}

/** Who is told about a request: its responsible engineer when it has one (and they are an engineer), else every engineer of its line. */
export function engineersOf(engineers: readonly Engineer[], t: Pick<TicketRow, 'assignee' | 'line'>): Engineer[] {
  const assignee = t.assignee ? engineers.filter((e) => e.address === t.assignee) : [];
  return assignee.length > 0 ? assignee : engineers.filter((e) => e.line === t.line);
}
