/** Engineers' commands authenticated by DKIM: signed here with a generated key, DNS answered by a stub. */
import crypto from 'node:crypto';
import { dkimSign, dkimVerify } from 'mailauth';
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

describe('a signature counts only when it vouches for the From and the whole body', () => {
  /** Each domain publishes its own key under selector "mail". The attacker owns evil.example and its key. */
  const corp = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const evil = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const published: Record<string, crypto.KeyObject> = { 'corp.example': corp.publicKey, 'mail.corp.example': corp.publicKey, 'evil.example': evil.publicKey, 'corp.example.evil.example': evil.publicKey };
  const resolver = async (name: string, type: string) => {
    const domain = /^mail\._domainkey\.(.+)$/.exec(name)?.[1];
    if (type === 'TXT' && domain && published[domain]) return [[txt(published[domain])]];
    throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
  };
  const ANNA = { address: 'anna@corp.example', name: 'Анна', line: 'L1' };
  const B = 'part-boundary';
  /** Anna's honest reply: a command, and a text part in a multipart/mixed. */
  const reply = (from = 'Анна <anna@corp.example>') =>
    buildMail({ from, to: 'support@example.test', subject: 'Re: [SUP-2026-000001] x', body: '' })
      .raw.toString('latin1')
      .replace(/Content-Type: text\/plain[^\r]*\r\nContent-Transfer-Encoding: 8bit\r\n\r\n[\s\S]*$/, `Content-Type: multipart/mixed; boundary="${B}"\r\n\r\n--${B}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n#status in_progress\r\n\r\nСмотрю.\r\n--${B}--\r\n`);
  type Sig = { domain?: string; key?: crypto.KeyObject; headerList?: string; maxBodyLength?: number };
  const sign = async (raw: string, s: Sig = {}) => {
    const data = { signingDomain: s.domain ?? 'corp.example', selector: 'mail', privateKey: (s.key ?? corp.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string, maxBodyLength: s.maxBodyLength };
    const sig = await dkimSign(Buffer.from(raw, 'latin1'), { canonicalization: 'relaxed/relaxed', headerList: s.headerList, signatureData: [data] } as never);
    return `${sig.signatures}${raw}`;
  };
  /** The canonical (relaxed) length of a body as mailauth counts it: what an honest l= is. */
  const bodyLength = async (raw: string) => ((await dkimVerify(Buffer.from(await sign(raw), 'latin1'), { resolver: resolver as never })).results[0] as unknown as { canonBodyLengthTotal: number }).canonBodyLengthTotal;

  async function desk() {
    const h = intakeHarness({ engineers: [ANNA, ENGINEERS[1]], dkimResolver: resolver as never });
    await h.intake.process({ raw: buildMail({ from: 'ivan@customer.test', to: 'support@example.test', subject: 'x', body: 'y' }).raw, mailbox: mb, receivedAt: h.clock.now() });
    const send = (raw: string) => h.intake.process({ raw: Buffer.from(raw, 'latin1'), mailbox: mb, receivedAt: h.clock.now() });
    const status = () => h.all<{ status: string }>('SELECT status FROM tickets')[0].status;
    const relayed = () => h.all<{ text: string }>("SELECT text FROM outbox WHERE kind = 'relay'");
    return { h, send, status, relayed };
  }

  test('l= shorter than the body: a MIME part appended after signing makes it prove nothing; l= of the whole body still counts', async () => {
    const d = await desk();
    const whole = await bodyLength(reply());
    const appended = `${await sign(reply(), { maxBodyLength: whole })}--${B}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nВаш пароль истёк: http://evil.example/login\r\n--${B}--\r\n`;
    expect(await d.send(appended)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('covering From and the whole body') });
    expect(d.status()).toBe('new');
    expect(await d.send(await sign(reply(), { maxBodyLength: whole }))).toMatchObject({ outcome: 'command', applied: ['#status in_progress'] });
    d.h.close();
  });

  test('a second Content-Type prepended to a signed mail (the one our parser would read) makes no proof count', async () => {
    const d = await desk();
    const signed = await sign(reply());
    const prepended = `Content-Type: text/plain; charset=koi8-r\r\n${signed}`;
    expect(await d.send(prepended)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('more than one content-type header') });
    expect(d.status()).toBe('new');
    d.h.close();
  });

  test('a signature whose h= leaves out From proves nothing about the From', async () => {
    const d = await desk();
    // corp.example signed a newsletter without its From; the attacker puts Anna's From over it.
    const signed = await sign(reply('news@corp.example'), { headerList: 'To:Subject:Date:Message-ID:MIME-Version:Content-Type' });
    const forged = signed.replace('From: news@corp.example', 'From: =?utf-8?B?0JDQvdC90LA=?= <anna@corp.example>');
    expect(await d.send(forged)).toMatchObject({ outcome: 'rejected' });
    expect(d.status()).toBe('new');
    d.h.close();
  });

  test('d= counts when it is the From\'s domain (corp.example) or of its organisation (mail.corp.example), never another\'s (evil.example, corp.example.evil.example)', async () => {
    const d = await desk();
    // The attacker's own valid signatures, on Anna's From.
    expect(await d.send(await sign(reply(), { domain: 'evil.example', key: evil.privateKey }))).toMatchObject({ outcome: 'rejected' });
    expect(await d.send(await sign(reply(), { domain: 'corp.example.evil.example', key: evil.privateKey }))).toMatchObject({ outcome: 'rejected' });
    expect(d.status()).toBe('new');
    expect(await d.send(await sign(reply(), { domain: 'mail.corp.example' }))).toMatchObject({ outcome: 'command', applied: ['#status in_progress'] });
    expect(await d.send(await sign(reply()))).toMatchObject({ outcome: 'command', applied: ['#status in_progress'], relayed: true });
    expect(d.status()).toBe('in_progress');
    expect(d.h.all<{ data_json: string }>("SELECT data_json FROM events WHERE type = 'command.applied'").map((e) => JSON.parse(e.data_json).auth)).toEqual(['dkim', 'dkim']);
    d.h.close();
  });

  test('through intake: a forged reply (Content-Type prepended, a part appended past l=) has its #status resolved not applied, and nothing is relayed', async () => {
    const d = await desk();
    // Anna's honest text/plain reply, signed with l=; the attacker makes our parser read a multipart of their own after it.
    const plain = buildMail({ from: 'Анна <anna@corp.example>', to: 'support@example.test', subject: 'Re: [SUP-2026-000001] x', body: 'Смотрю.' }).raw.toString('latin1');
    const signed = await sign(plain, { maxBodyLength: await bodyLength(plain) });
    const forged = `Content-Type: multipart/mixed; boundary="evil"\r\n${signed}--evil\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n#status resolved\r\n\r\nВаш пароль истёк, войдите заново: http://evil.example/login\r\n--evil--\r\n`;
    expect(await d.send(forged)).toMatchObject({ outcome: 'rejected' });
    expect(d.status()).toBe('new');
    expect(d.relayed()).toEqual([]);
    expect(d.h.all("SELECT id FROM events WHERE type = 'command.applied'")).toEqual([]);
    expect(d.h.all("SELECT id FROM events WHERE type = 'command.unauthenticated'")).toHaveLength(1);
    d.h.close();
  });
});

describe('a signature binds the engineer to the request only when it signs the headers that name it', () => {
  const sign = async (raw: Buffer, headerList?: string) => {
    const data = { signingDomain: 'vendor.test', selector: 'mail', privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
    const sig = await dkimSign(raw, { canonicalization: 'relaxed/relaxed', headerList, signatureData: [data] } as never);
    return Buffer.concat([Buffer.from(sig.signatures), raw]);
  };
  const withHeader = (raw: Buffer, header: string) => Buffer.from(raw.toString('latin1').replace('MIME-Version: 1.0', `${header}\r\nMIME-Version: 1.0`), 'latin1');

  test('a mail Anna signed for someone else, replayed with a request\'s In-Reply-To added, commands and relays nothing', async () => {
    const { h, status } = await setup(keys.publicKey);
    const first = h.all<{ message_id: string }>("SELECT message_id FROM messages WHERE direction = 'in'")[0].message_id;
    // A genuine mail of Anna's to Mallory, signed by her domain (From, To, Subject, Date, Message-ID: no threading header).
    const genuine = await sign(buildMail({ from: 'anna@vendor.test', to: 'mallory@evil.test', subject: 'Обед', body: 'Позвоните мне: +7 900 000-00-00' }).raw, 'from:to:subject:date:message-id');
    expect((await dkimVerify(withHeader(genuine, `In-Reply-To: ${first}`), { resolver: resolverFor(keys.publicKey) as never })).results[0].status.result).toBe('pass');
    const out = await h.intake.process({ raw: withHeader(genuine, `In-Reply-To: ${first}`), mailbox: mb, receivedAt: h.clock.now() });
    expect(out).toMatchObject({ outcome: 'rejected' });
    expect(status()).toBe('new');
    expect(h.all("SELECT id FROM outbox WHERE kind = 'relay'")).toHaveLength(0);
    h.close();
  });

  test('Anna\'s real reply, its In-Reply-To signed, is applied', async () => {
    const { h, status } = await setup(keys.publicKey);
    const first = h.all<{ message_id: string }>("SELECT message_id FROM messages WHERE direction = 'in'")[0].message_id;
    const reply = withHeader(buildMail({ from: 'anna@vendor.test', to: 'support@example.test', subject: 'Re: x', body: '#status in_progress\n\nСмотрю.' }).raw, `In-Reply-To: ${first}`);
    expect(await h.intake.process({ raw: await sign(reply, 'from:to:subject:date:message-id:in-reply-to'), mailbox: mb, receivedAt: h.clock.now() })).toMatchObject({ outcome: 'command', applied: ['#status in_progress'] });
    expect(status()).toBe('in_progress');
    h.close();
  });
});
