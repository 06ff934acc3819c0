import { startMailServers, type MailServerOptions, type MailServers, type MailUser } from '../../dev/devmail/servers';

export const SUPPORT = { address: 'support@example.test', password: 'secret-support' };
export const CUSTOMER = { address: 'customer@customer.test', password: 'secret-customer' };
export const ENGINEER = { address: 'anna@vendor.test', password: 'secret-engineer' };
export const BOSS = { address: 'boss@vendor.test', password: 'secret-boss' };

/** One private Dovecot + Postfix for the test file, with the support, customer and engineer mailboxes (and `more`). */
export function useMailServers(opts: MailServerOptions = {}, more: readonly MailUser[] = []): { servers: MailServers } {
  const holder = {} as { servers: MailServers };
  beforeAll(async () => {
    holder.servers = await startMailServers([SUPPORT, CUSTOMER, ENGINEER, BOSS, ...more], opts);
  });
  afterAll(async () => {
    await holder.servers?.stop();
  });
  return holder;
}
