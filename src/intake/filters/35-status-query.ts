import { statusQuery } from '../status-query';
import type { Filter } from '../types';

/** "статус SUP-2026-000042", or a reply that says only "status". */
export const statusQueryFilter: Filter = {
  name: 'status-query',
  run({ mail, numbering }) {
    const q = statusQuery(mail, numbering);
    return q ? { filter: 'status-query', statusQuery: q } : null;
  },
};
