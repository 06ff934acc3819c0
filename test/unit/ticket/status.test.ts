/** What a customer's reply does to a request, by its status (moved here from test/unit/intake/thread.test.ts). */
import { onCustomerReply } from '../../../src/ticket/status';

const DAY = 24 * 3600 * 1000;

test('onCustomerReply for every status', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const w = 14 * DAY;
  expect(onCustomerReply('new', null, now, w)).toEqual({ action: 'append' });
  expect(onCustomerReply('in_progress', null, now, w)).toEqual({ action: 'append' });
  expect(onCustomerReply('suspended', null, now, w)).toEqual({ action: 'append' });
  expect(onCustomerReply('awaiting_info', null, now, w)).toMatchObject({ action: 'append', status: 'in_progress' });
  expect(onCustomerReply('resolved', new Date(now.getTime() - w), now, w)).toMatchObject({ action: 'append', status: 'in_progress' });
  expect(onCustomerReply('resolved', new Date(now.getTime() - w - 1), now, w)).toMatchObject({ action: 'new-linked' });
  expect(onCustomerReply('resolved', null, now, w)).toMatchObject({ action: 'new-linked' });
  expect(onCustomerReply('closed', now, now, w)).toMatchObject({ action: 'new-linked' });
});
