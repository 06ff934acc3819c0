/**
 * Forward on behalf: an engineer forwards a customer's mail to the desk. With
 * proof that the forward is the engineer's, a request opens for the original
 * sender; without it (every header is a claim), the mail is an ordinary one
 * from its From and nobody else is written to.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { dkimSign } from 'mailauth';
import { forwardAddress, replyAddress } from '../../../src/auth/token';
import { loadConfig } from '../../../src/config/load';
import { slaPolicy } from '../../../src/daemon';
import { root } from '../../support/env';
import { ENGINEERS, TOKEN_SECRET, intakeHarness, mailbox } from '../../support/services';

const mb = mailbox();
const FWD = forwardAddress(TOKEN_SECRET, 'support@example.test', 'anna@vendor.test');
type Out = { kind: string; to_address: string; subject: string; text: string; in_reply_to: string | null };

/** An engineer's forward as their client writes it: the own text, then the client's block (Gmail's here), or the original attached. */
function forwardMail(o: { to?: string; from?: string; own?: string; date?: string; attach?: boolean; headers?: string[] } = {}): Buffer {
  const block = [
    '---------- Forwarded message ---------',
    'From: Иван Петров <ivan@customer.test>',
    `Date: ${o.date ?? 'Thu, Nov 19, 2026 at 5:45 PM'}`,
    'Subject: Не работает вход',
    'To: Анна <anna@vendor.test>',
    '',
    '',
    'Не могу войти в личный кабинет.',
  ];
  const head = [
    ...(o.headers ?? []),
    `From: ${o.from ?? 'Анна <anna@vendor.test>'}`,
    `To: ${o.to ?? FWD}`,
    'Subject: Fwd: Не работает вход',
    'Date: Fri, 20 Nov 2026 12:00:00 +0300',
    `Message-ID: <${crypto.randomUUID()}@vendor.test>`,
    'MIME-Version: 1.0',
  ];
  if (!o.attach) return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', o.own ?? 'Заведите, пожалуйста.', '', ...block, ''].join('\r\n'));
  const inner = [
    'From: Иван Петров <ivan@customer.test>',
    'To: anna@vendor.test',
    'Subject: Не работает вход',
    'Date: Thu, 19 Nov 2026 17:45:00 +0300',
    'Message-ID: <orig-1@customer.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="in"',
    '',
    '--in',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Не могу войти, скриншот приложен.',
    '--in',
    'Content-Type: image/png; name="screen.png"',
    'Content-Disposition: attachment; filename="screen.png"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('PNG bytes').toString('base64'),
    '--in--',
  ];
  return Buffer.from(
    [...head, 'Content-Type: multipart/mixed; boundary="out"', '', '--out', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', o.own ?? 'Заведите, пожалуйста.', '--out', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="original.eml"', '', ...inner, '--out--', ''].join('\r\n'),
  );
}

function setup(o: Parameters<typeof intakeHarness>[0] = {}) {
  const h = intakeHarness({ engineers: ENGINEERS, start: '2026-11-20T09:00:00Z', ...o });
  const process = (raw: Buffer, m = mb) => h.intake.process({ raw, mailbox: m, receivedAt: h.clock.now() });
  const out = (kind?: string) => h.all<Out>(`SELECT kind, to_address, subject, text, in_reply_to FROM outbox ${kind ? 'WHERE kind = ?' : ''} ORDER BY id`, ...(kind ? [kind] : []));
  const tickets = () => h.all<{ number: string; requester_address: string; subject: string; created_at: string }>('SELECT number, requester_address, subject, created_at FROM tickets ORDER BY id');
  const events = (type: string) => h.all<{ actor: string; data_json: string }>('SELECT actor, data_json FROM events WHERE type = ? ORDER BY id', type).map((e) => ({ actor: e.actor, ...JSON.parse(e.data_json) }));
  return { h, process, out, tickets, events };
}

test('a forward to the engineer\'s signed forwarding address opens a request for the original sender, silently; the engineer is recorded and confirmed', async () => {
  const s = setup();
  const r = await s.process(forwardMail());
  expect(r).toMatchObject({ outcome: 'created', ticketNumber: 'SUP-2026-000001', replyQueued: false, replySuppressed: 'forwarded by an engineer without #notify', forwardedBy: 'anna@vendor.test' });
  expect(s.tickets()).toMatchObject([{ requester_address: 'ivan@customer.test', subject: 'Не работает вход' }]);
  const msgs = s.h.all<{ from_address: string; text: string; date: string; dedup_key: string }>('SELECT from_address, text, date, dedup_key FROM messages WHERE direction = ? ORDER BY id', 'in');
  expect(msgs[0]).toMatchObject({ from_address: 'ivan@customer.test', text: 'Не могу войти в личный кабинет.', date: '2026-11-19T14:45:00.000Z' }); // the original's date (5:45 PM Moscow)
  expect(msgs[1].from_address).toBe('anna@vendor.test'); // the forward itself, kept on the request
  expect(s.events('ticket.created')).toMatchObject([{ actor: 'anna@vendor.test', forwardedBy: 'anna@vendor.test', requester: 'ivan@customer.test' }]);
  expect(s.events('ticket.forwarded')).toMatchObject([{ actor: 'anna@vendor.test', proof: 'token', form: 'inline', client: 'gmail', notify: false }]);
  expect(s.out().filter((m) => m.to_address === 'ivan@customer.test')).toEqual([]); // silent by default
  const [confirm] = s.out('confirm');
  expect(confirm.to_address).toBe('anna@vendor.test');
  expect(confirm.text).toContain('открыто по вашему пересланному письму, за Иван Петров <ivan@customer.test>');
  expect(confirm.text).toContain('Клиенту ничего не сообщено');
  expect(confirm.text).toContain(FWD); // the footer
  const notices = s.out('notify-new');
  expect(notices.map((n) => n.to_address)).toEqual(['anna@vendor.test']); // the line's engineers, about the customer's mail
  expect(notices[0].text).toContain('От: Иван Петров <ivan@customer.test>');
  s.h.close();
});

test('#notify above the forwarded part: the original sender gets the registration reply, and no one else does', async () => {
  const s = setup();
  expect(await s.process(forwardMail({ own: 'Заведите.\n#notify' }))).toMatchObject({ outcome: 'created', replyQueued: true, forwardedBy: 'anna@vendor.test' });
  const reg = s.out('registration');
  expect(reg.map((m) => m.to_address)).toEqual(['ivan@customer.test']);
  expect(reg[0].subject).toBe('[SUP-2026-000001] Не работает вход');
  expect(reg[0].text).not.toContain('anna@vendor.test');
  expect(s.out('confirm')[0].text).toContain('Клиенту отправлено письмо о регистрации.');
  s.h.close();
});

test('attached as message/rfc822: the original\'s own Message-ID, date, text and attachment; the reply threads under it', async () => {
  const s = setup();
  expect(await s.process(forwardMail({ attach: true, own: '#notify' }))).toMatchObject({ outcome: 'created', replyQueued: true });
  const [first] = s.h.all<{ id: number; message_id: string; from_address: string; text: string; date: string }>("SELECT id, message_id, from_address, text, date FROM messages WHERE direction = 'in' ORDER BY id");
  expect(first).toMatchObject({ message_id: '<orig-1@customer.test>', from_address: 'ivan@customer.test', text: 'Не могу войти, скриншот приложен.', date: '2026-11-19T14:45:00.000Z' });
  expect(s.h.all<{ filename: string }>('SELECT filename FROM attachments WHERE message_id = ?', first.id)).toEqual([{ filename: 'screen.png' }]);
  expect(s.out('registration')[0].in_reply_to).toBe('<orig-1@customer.test>');
  expect(s.events('ticket.forwarded')[0]).toMatchObject({ form: 'attached', notify: true });
  s.h.close();
});

test('a week-old mail forwarded today: the SLA clock starts at the forward\'s arrival, so the request is not born breached', async () => {
  const example = loadConfig(path.join(root, 'config', 'helpdesk.example.yaml'), { env: {} }, { secrets: false });
  const sla = { ...slaPolicy(example)!, organisations: [{ name: 'Клиент', domains: ['customer.test'], contacts: [], plan: 'premium' }] };
  const s = setup({ sla });
  await s.process(forwardMail({ date: 'Fri, Nov 13, 2026 at 10:00 AM' }));
  const [t] = s.h.all<{ created_at: string; reaction_due: string }>('SELECT created_at, reaction_due FROM tickets');
  expect(t.created_at).toBe('2026-11-20T09:00:00.000Z');
  expect(new Date(t.reaction_due).getTime()).toBeGreaterThan(Date.parse('2026-11-20T09:00:00Z'));
  expect(s.h.all<{ start: string }>('SELECT start FROM sla_intervals')[0].start).toBe('2026-11-20T09:00:00.000Z');
  expect(s.events('ticket.forwarded')[0]).toMatchObject({ originalDate: '2026-11-13T07:00:00.000Z', slaFrom: '2026-11-20T09:00:00.000Z' });
  expect(s.h.all<{ date: string }>("SELECT date FROM messages WHERE from_address = 'ivan@customer.test'")[0].date).toBe('2026-11-13T07:00:00.000Z');
  s.h.close();
});

describe('without proof, a forward is an ordinary mail from its From: never a request for the claimed sender, never mail to them', () => {
  const forged: [string, Parameters<typeof forwardMail>[0]][] = [
    ['the engineer\'s From to the plain support address', { to: 'support@example.test' }],
    ['an invalid signature', { to: FWD.replace(/\.[0-9a-f]{4}/, '.0000') }],
    ['another engineer\'s signature', { to: forwardAddress(TOKEN_SECRET, 'support@example.test', 'boris@vendor.test') }],
    ['a signature for a different mailbox', { to: forwardAddress(TOKEN_SECRET, 'sales@example.test', 'anna@vendor.test').replace('sales@', 'support@') }],
    ['a request\'s reply-token signature in the forwarding form', { to: `support+f.${/\.([0-9a-f]{20})@/.exec(replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test'))![1]}@example.test` }],
    ['a stranger\'s From to the engineer\'s forwarding address', { from: 'Mallory <mallory@evil.test>' }],
  ];
  test.each(forged)('%s', async (_, o) => {
    const s = setup();
    const r = await s.process(forwardMail({ ...o, own: 'Заведите.\n#notify' }));
    expect(r).toMatchObject({ outcome: 'created' });
    expect(r).not.toHaveProperty('forwardedBy');
    const from = o?.from ? 'mallory@evil.test' : 'anna@vendor.test';
    expect(s.tickets()).toMatchObject([{ requester_address: from }]);
    expect(s.out().filter((m) => m.to_address === 'ivan@customer.test')).toEqual([]);
    expect(s.events('ticket.forwarded')).toEqual([]);
    s.h.close();
  });

  test('the signature for another mailbox verifies at that mailbox (the one it was made for)', async () => {
    const s = setup();
    const sales = mailbox({ name: 'support', addresses: ['sales@example.test'] });
    const r = await s.process(forwardMail({ to: forwardAddress(TOKEN_SECRET, 'sales@example.test', 'anna@vendor.test') }), sales);
    expect(r).toMatchObject({ outcome: 'created', forwardedBy: 'anna@vendor.test' });
    s.h.close();
  });

  test('an engineer whose accept list leaves out token: the forwarding address proves nothing for them', async () => {
    const s = setup({ engineers: [{ ...ENGINEERS[0], accept: ['dkim'] }, ENGINEERS[1]] });
    expect(await s.process(forwardMail())).not.toHaveProperty('forwardedBy');
    expect(s.tickets()[0].requester_address).toBe('anna@vendor.test');
    s.h.close();
  });

  test('a forwarded mail whose sender is an engineer or one of ours is no customer\'s', async () => {
    const s = setup();
    const raw = forwardMail().toString('utf8').replace('From: Иван Петров <ivan@customer.test>', 'From: Борис <boris@vendor.test>');
    expect(await s.process(Buffer.from(raw))).not.toHaveProperty('forwardedBy');
    expect(s.h.all<{ verdicts_json: string }>('SELECT verdicts_json FROM messages')[0].verdicts_json).toContain('is not a customer');
    s.h.close();
  });
});

test('the same forward twice is one request', async () => {
  const s = setup();
  const raw = forwardMail();
  await s.process(raw);
  expect(await s.process(raw)).toMatchObject({ outcome: 'ignored', reason: 'duplicate' });
  expect(s.tickets()).toHaveLength(1);
  s.h.close();
});

test('a reply to a notification (its reply-token address) that quotes a forwarded block is a reply on that request, not a forward', async () => {
  const s = setup();
  await s.process(forwardMail());
  const token = replyAddress(TOKEN_SECRET, 'support@example.test', 'SUP-2026-000001', 'anna@vendor.test');
  const raw = forwardMail({ to: token }).toString('utf8').replace('Subject: Fwd: Не работает вход', 'Subject: Re: [SUP-2026-000001] Не работает вход');
  expect(await s.process(Buffer.from(raw))).toMatchObject({ outcome: 'command', ticketNumber: 'SUP-2026-000001' });
  expect(s.tickets()).toHaveLength(1);
  s.h.close();
});

describe('DKIM: a forward signed by the engineer\'s domain is proof without the forwarding address', () => {
  const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const txt = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const resolver = async (name: string, type: string) => {
    if (name === 'mail._domainkey.vendor.test' && type === 'TXT') return [[txt]];
    throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
  };
  const signed = async (raw: Buffer) => {
    const options = { canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: 'vendor.test', selector: 'mail', privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }] };
    const sig = await dkimSign(raw, options as never);
    return Buffer.concat([Buffer.from(sig.signatures), raw]);
  };

  test('signed: a request for the original sender (proof dkim)', async () => {
    const s = setup({ dkimResolver: resolver as never });
    expect(await s.process(await signed(forwardMail({ to: 'support@example.test' })))).toMatchObject({ outcome: 'created', forwardedBy: 'anna@vendor.test' });
    expect(s.events('ticket.forwarded')[0].proof).toBe('dkim');
    s.h.close();
  });

  test('signed, then its forwarded block changed (a stranger\'s edit): the signature fails, an ordinary request for the From', async () => {
    const s = setup({ dkimResolver: resolver as never });
    const raw = (await signed(forwardMail({ to: 'support@example.test' }))).toString('utf8').replace('ivan@customer.test', 'victim@third.test');
    expect(await s.process(Buffer.from(raw))).not.toHaveProperty('forwardedBy');
    expect(s.out().filter((m) => m.to_address === 'victim@third.test')).toEqual([]);
    s.h.close();
  });
});

test('our server\'s Authentication-Results for the engineer\'s domain is proof; the same header from elsewhere is not', async () => {
  const ar = (id: string) => [`Authentication-Results: ${id}; dkim=pass header.d=vendor.test; dmarc=pass header.from=vendor.test`];
  const s = setup();
  expect(await s.process(forwardMail({ to: 'support@example.test', headers: ar('mx.vendor.test') }))).toMatchObject({ forwardedBy: 'anna@vendor.test' });
  expect(await s.process(forwardMail({ to: 'support@example.test', headers: ar('mx.evil.test') }))).not.toHaveProperty('forwardedBy');
  s.h.close();
});

test('every notification to an engineer carries their own forwarding address, and no one else\'s', async () => {
  const s = setup();
  await s.process(Buffer.from(['From: ivan@customer.test', 'To: support@example.test', 'Subject: x', 'Message-ID: <c1@customer.test>', '', 'y', ''].join('\r\n')));
  const [n] = s.out('notify-new');
  expect(n.text).toContain(FWD);
  expect(n.text).not.toContain(forwardAddress(TOKEN_SECRET, 'support@example.test', 'boris@vendor.test'));
  s.h.close();
});

test('a forward of a customer\'s mail the desk already has (they wrote to it too) opens nothing new: the forward joins that request, the engineer is told its number', async () => {
  const s = setup();
  const direct = ['From: Иван Петров <ivan@customer.test>', 'To: support@example.test', 'Subject: =?utf-8?B?' + Buffer.from('Не работает вход').toString('base64') + '?=', 'Date: Thu, 19 Nov 2026 17:45:00 +0300', 'Message-ID: <orig-1@customer.test>', '', 'Не могу войти.', ''].join('\r\n');
  await s.process(Buffer.from(direct));
  const r = await s.process(forwardMail({ attach: true, own: '#notify' }));
  expect(r).toMatchObject({ outcome: 'ignored', reason: 'duplicate', ticketNumber: 'SUP-2026-000001' });
  expect(s.tickets()).toHaveLength(1);
  expect(s.events('ticket.forwarded')).toMatchObject([{ actor: 'anna@vendor.test', already: 'SUP-2026-000001' }]);
  expect(s.out('registration')).toHaveLength(1); // the direct mail's, not a second one
  expect(s.out('confirm')[0].text).toContain('уже зарегистрировано как обращение SUP-2026-000001');
  // A forged "original" with that Message-ID but another sender is not taken for it: the forward opens its own request.
  const t = setup();
  await t.process(Buffer.from(direct.replace('ivan@customer.test', 'other@customer.test')));
  expect(await t.process(forwardMail({ attach: true }))).toMatchObject({ outcome: 'created', forwardedBy: 'anna@vendor.test' });
  s.h.close();
  t.h.close();
});

/** An inline forward whose original carried a mail of its own, attached: anyone's, naming anyone. */
function inlineWithAttachedMail(own: string, attachedText: string): Buffer {
  const attached = ['From: victim@bank.test', 'Cc: v1@third.test, v2@third.test', 'Subject: Cheap pills', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', attachedText].join('\r\n');
  return Buffer.from(
    [
      'From: Анна <anna@vendor.test>', `To: ${FWD}`, 'Subject: Fwd: Не работает вход', 'Date: Fri, 20 Nov 2026 12:00:00 +0300', `Message-ID: <${crypto.randomUUID()}@vendor.test>`, 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="out"', '', '--out', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
      own, '', '---------- Forwarded message ---------', 'From: Иван Петров <ivan@customer.test>', 'Date: Thu, Nov 19, 2026 at 5:45 PM', 'Subject: Не работает вход', 'To: Анна <anna@vendor.test>', '', '',
      'Не могу войти, лог приложен. #notify',
      '--out', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="log.eml"', '', attached, '--out--', '',
    ].join('\r\n'),
  );
}

test('an inline forward wins over a mail the original had attached: the request is the inline sender\'s, and #notify in their text (or the attached one\'s) is not the engineer\'s', async () => {
  const s = setup();
  const r = await s.process(inlineWithAttachedMail('Заведите, пожалуйста.', 'Buy now. #notify'));
  expect(r).toMatchObject({ outcome: 'created', forwardedBy: 'anna@vendor.test', replyQueued: false });
  expect(s.tickets().map((t) => t.requester_address)).toEqual(['ivan@customer.test']);
  expect(s.out().filter((m) => /victim|third\.test|ivan/.test(m.to_address))).toEqual([]);
  expect(s.h.all('SELECT address FROM participants')).toEqual([]);
  s.h.close();
});

test('attached form: #notify in the attached mail (or in mails attached to it, however deep) is never read as the engineer\'s', async () => {
  const s = setup();
  const deep = (n: number): string => (n === 0 ? 'Please help. #notify' : ['From: x@customer.test', 'Subject: layer', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b' + n + '"', '', '--b' + n, 'Content-Type: text/plain', '', 'Please help me. #notify', '--b' + n, 'Content-Type: message/rfc822', '', deep(n - 1), '--b' + n + '--'].join('\r\n'));
  const raw = Buffer.from(
    ['From: Анна <anna@vendor.test>', `To: ${FWD}`, 'Subject: Fwd: layer', 'Message-ID: <deep-1@vendor.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="out"', '', '--out', 'Content-Type: text/plain; charset=utf-8', '', 'Opening this one silently.', '--out', 'Content-Type: message/rfc822', '', deep(4), '--out--', ''].join('\r\n'),
  );
  const r = await s.process(raw);
  expect(r).toMatchObject({ outcome: 'created', forwardedBy: 'anna@vendor.test', replyQueued: false });
  expect(s.tickets().map((t) => t.requester_address)).toEqual(['x@customer.test']);
  expect(s.events('ticket.forwarded')[0]).toMatchObject({ notify: false });
  s.h.close();
});

test('an engineer\'s proven answer to the plain support address on a request is a command even when its quoted reply header looks like a forward block (Outlook)', async () => {
  const s = setup();
  const first = Buffer.from(['From: Иван <ivan@customer.test>', 'To: support@example.test', 'Subject: Не работает вход', 'Message-ID: <c-1@customer.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Помогите.'].join('\r\n'));
  await s.process(first);
  const answer = Buffer.from(
    [
      'Authentication-Results: mx.vendor.test; dkim=pass header.d=vendor.test; dmarc=pass header.from=vendor.test',
      'From: Анна <anna@vendor.test>', 'To: support@example.test', 'Subject: RE: [SUP-2026-000001] Не работает вход', 'Message-ID: <a-1@vendor.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
      '#status resolved', '', 'Пароль сброшен.', '', 'From: Иван <ivan@customer.test>', 'Sent: Friday, November 20, 2026 12:30 PM', 'To: support@example.test', 'Subject: Не работает вход', '', 'Помогите.',
    ].join('\r\n'),
  );
  const r = await s.process(answer);
  expect(r).toMatchObject({ outcome: 'command', ticketNumber: 'SUP-2026-000001', applied: ['#status resolved'], relayed: true });
  expect(s.tickets()).toHaveLength(1);
  s.h.close();
});
