/** Who may command the desk: Anna of corp.example, proven by our server's Authentication-Results, a token or DKIM; never by what the mail says of itself. */
import { authenticateEngineer, type AuthMethod } from '../../../src/auth/authenticate';
import { replyAddress } from '../../../src/auth/token';
import { parseEmail } from '../../../src/mail/parse';
import { buildMail } from '../../support/mails';
import { TOKEN_SECRET } from '../../support/services';

const TRUSTED = 'mx.desk.example';
const NUMBER = 'SUP-2026-000001';
const TOKEN = replyAddress(TOKEN_SECRET, 'support@desk.example', NUMBER, 'anna@corp.example');
const ALL: AuthMethod[] = ['token', 'dkim', 'authentication-results'];

/**
 * Anna's reply as it reaches the desk: `above` are the lines servers on the
 * way put on top of it (the first is the last added: our own server's),
 * `among` lines written by the sender among her own headers.
 */
async function mail(o: { above?: string[]; among?: string[]; to?: string } = {}) {
  const m = buildMail({ from: 'Анна <anna@corp.example>', to: o.to ?? 'support@desk.example', subject: `Re: [${NUMBER}] x`, body: '#status resolved' });
  let raw = m.raw.toString('latin1');
  if (o.among) raw = raw.replace('MIME-Version: 1.0', [...o.among, 'MIME-Version: 1.0'].join('\r\n'));
  if (o.above) raw = [...o.above, raw].join('\r\n');
  return parseEmail(Buffer.from(raw, 'latin1'));
}
const authenticate = async (m: ReturnType<typeof mail>, dkimPass: string[] = []) => authenticateEngineer(await m, NUMBER, { secret: TOKEN_SECRET, trustedAuthservId: TRUSTED, dkimPass, accept: ALL });
const ours = (results: string) => `Authentication-Results: ${TRUSTED}; ${results}`;

describe('Authentication-Results', () => {
  test.each([
    'dkim=pass header.d=corp.example.evil.example',
    'dkim=pass header.i=@corp.example.evil.example',
    'dkim=pass header.d=corp.example-evil.net',
    'dmarc=pass header.from=corp.example-evil.net',
    'dmarc=pass header.from=corp.example.evil.example',
  ])('our server\'s pass for a domain that only starts like corp.example proves nothing: %s', async (results) => {
    expect(await authenticate(mail({ above: [ours(results)] }))).toMatchObject({ ok: false });
  });

  test('a header the sender wrote with our authserv-id, below the one our server added, does not count', async () => {
    const sender = ours('dkim=pass header.d=corp.example header.i=@corp.example; dmarc=pass header.from=corp.example');
    const real = ours('dkim=none; spf=softfail smtp.mailfrom=evil.example; dmarc=fail (p=none) header.from=corp.example');
    expect(await authenticate(mail({ above: [real], among: [sender] }))).toMatchObject({ ok: false, reason: expect.stringContaining(`topmost Authentication-Results, from ${TRUSTED}`) });
    // Nor when the topmost is another server's, and ours sits below it.
    expect(await authenticate(mail({ above: ['Authentication-Results: filter.corp.example; none', sender] }))).toMatchObject({ ok: false });
  });

  test('the topmost, ours, with a pass for corp.example or a subdomain (aligned) is accepted', async () => {
    const honest = [
      'dkim=pass (2048-bit key; unprotected) header.d=corp.example header.i=@corp.example header.s=mail header.b="AbC/d+1="',
      'dkim=pass header.d=mail.corp.example header.i=anna@mail.corp.example header.s=s1 header.b=AbC/d+1=',
      'dmarc=pass (p=reject dis=none) header.from=corp.example',
      'spf=pass smtp.mailfrom=corp.example; dkim=pass reason="good signature" header.d=MAIL.Corp.Example',
    ];
    for (const results of honest) {
      expect({ results, auth: await authenticate(mail({ above: [ours(results)], among: [ours('dkim=fail header.d=corp.example')] })) }).toEqual({ results, auth: { ok: true, method: 'authentication-results' } });
    }
  });

  test('a pass for another domain next to an aligned one in one dkim result does not count', async () => {
    expect(await authenticate(mail({ above: [ours('dkim=pass header.d=evil.example header.i=@corp.example')] }))).toMatchObject({ ok: false });
  });
});

describe('duplicated single-instance headers', () => {
  // One more of each field that may occur once; where Anna's mail has none, two.
  const extra: Record<string, string[]> = {
    From: ['From: Анна <anna@corp.example>'],
    Sender: ['Sender: anna@corp.example', 'Sender: boss@corp.example'],
    'Reply-To': ['Reply-To: anna@corp.example', 'Reply-To: evil@evil.example'],
    To: [`To: ${TOKEN}`],
    Cc: ['Cc: a@corp.example', 'Cc: b@corp.example'],
    Bcc: ['Bcc: a@corp.example', 'Bcc: b@corp.example'],
    'Message-ID': ['Message-ID: <other@evil.example>'],
    'In-Reply-To': ['In-Reply-To: <a@desk.example>', 'In-Reply-To: <b@desk.example>'],
    References: ['References: <a@desk.example>', 'References: <b@desk.example>'],
    Subject: [`Subject: Re: [${NUMBER}] x`],
    Date: ['Date: Fri, 20 Nov 2026 09:30:00 +0000'],
    'MIME-Version': ['MIME-Version: 1.0'],
    'Content-Type': ['Content-Type: text/plain; charset=koi8-r'],
    'Content-Transfer-Encoding': ['Content-Transfer-Encoding: base64'],
  };
  test.each(Object.keys(extra))('two %s headers: not even a valid reply token counts', async (name) => {
    const m = mail({ to: TOKEN, above: extra[name] });
    expect(await authenticate(m)).toEqual({ ok: false, reason: expect.stringContaining(`more than one ${name.toLowerCase()} header`) });
  });

  test('nor a DKIM pass or our server\'s Authentication-Results; the same mail with one From is accepted by each', async () => {
    const pass = ours('dkim=pass header.d=corp.example; dmarc=pass header.from=corp.example');
    const once = mail({ to: TOKEN, above: [pass] });
    const twice = mail({ to: TOKEN, above: [pass, 'From: anna@corp.example'] });
    for (const accept of [['token'], ['dkim'], ['authentication-results']] as AuthMethod[][]) {
      const o = { secret: TOKEN_SECRET, trustedAuthservId: TRUSTED, dkimPass: ['corp.example'], accept };
      expect(authenticateEngineer(await once, NUMBER, o)).toEqual({ ok: true, method: accept[0] });
      expect(authenticateEngineer(await twice, NUMBER, o)).toMatchObject({ ok: false, reason: expect.stringContaining('more than one from header') });
    }
  });
});
