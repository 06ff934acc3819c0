/** Engineers' commands authenticated by DKIM: signed here with a generated key, DNS answered by a stub. */
import crypto from 'node:crypto';
import { dkimSign } from 'mailauth';
import { buildMail } from '../../support/mails';
import { ENGINEERS, intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const txt = (k: crypto.KeyObject) => `v=DKIM1; k=rsa; p=${k.export({ type: 'spki', format: 'der' }).toString('base64')}`;
/** vendor.test publishes `published` under selector "mail"; nothing else exists. */
const resolverFor = (published: crypto.KeyObject) => async (name: string, type: string) => {
  if (name === 'mail._domainkey.vendor.test' && type === 'TXT') return [[txt(published)]];
  throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
};

async function signed(body: string, key = keys.privateKey, from = 'anna@vendor.test') {
  const m = buildMail({ from, to: 'support@example.test', subject: 'Re: [SUP-2026-000001] x', body });
  const options = { canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: 'vendor.test', selector: 'mail', privateKey: key.export({ type: 'pkcs8', format: 'pem' }) as string }] };
  const sig = await dkimSign(m.raw, options as never); // mailauth's typings lack signatureData, which it reads
  return Buffer.concat([Buffer.from(sig.signatures), m.raw]);
}

async function setup(published: crypto.KeyObject, engineers = ENGINEERS) {
  const h = intakeHarness({ engineers, dkimResolver: resolverFor(published) as never });
  await h.intake.process({ raw: buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'x', body: 'y' }).raw, mailbox: mb, receivedAt: h.clock.now() });
  const status = () => h.all<{ status: string }>('SELECT status FROM tickets')[0].status;
  return { h, status };
}

test('a command with a valid DKIM signature of the engineer\'s domain is applied (no token needed)', async () => {
  const { h, status } = await setup(keys.publicKey);
  expect(await h.intake.process({ raw: await signed('#status in_progress\n\nСмотрю.'), mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'command', applied: ['#status in_progress'] });
  expect(status()).toBe('in_progress');
  expect(JSON.parse(h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'command.applied'")[0].data_json).auth).toBe('dkim');
  h.close();
});

test('a signature that does not verify against the published key changes nothing', async () => {
  const { h, status } = await setup(keys.publicKey);
  expect(await h.intake.process({ raw: await signed('#status closed', other.privateKey), mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'rejected' });
  expect(status()).toBe('new');
  h.close();
});

test('a body changed after signing changes nothing', async () => {
  const { h } = await setup(keys.publicKey);
  const raw = Buffer.from((await signed('#status in_progress')).toString('latin1').replace('#status in_progress', '#status closed'), 'latin1');
  expect(await h.intake.process({ raw, mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'rejected' });
  h.close();
});

test('an engineer configured to accept tokens only is not authenticated by DKIM', async () => {
  const { h } = await setup(keys.publicKey, [{ ...ENGINEERS[0], accept: ['token'] }, ENGINEERS[1]]);
  expect(await h.intake.process({ raw: await signed('#status in_progress'), mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('accepted for this engineer: token') });
  h.close();
});
