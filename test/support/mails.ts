import crypto from 'node:crypto';
import iconv from 'iconv-lite';

/** A customer email as raw RFC 5322 bytes, so charsets and structure are exactly what we say. */
export interface CustomerMail {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  body: string;
  charset?: 'utf-8' | 'koi8-r' | 'windows-1251';
  attachment?: { filename: string; contentType: string; content: Buffer };
  messageId?: string;
}

export function messageId(): string {
  return `<${crypto.randomUUID()}@customer.test>`;
}

export function buildMail(m: CustomerMail): { raw: Buffer; messageId: string } {
  const id = m.messageId ?? messageId();
  const charset = m.charset ?? 'utf-8';
  const subject = `=?utf-8?B?${Buffer.from(m.subject).toString('base64')}?=`;
  const head = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${subject}`,
    `Date: ${new Date(Date.UTC(2026, 10, 20, 9, 30)).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
  ];
  const bodyBytes = iconv.encode(m.body, charset);
  const textPart = [`Content-Type: text/plain; charset=${charset}`, 'Content-Transfer-Encoding: 8bit'];
  let raw: Buffer;
  if (!m.attachment) {
    raw = Buffer.concat([Buffer.from([...head, ...textPart, '', ''].join('\r\n')), bodyBytes, Buffer.from('\r\n')]);
  } else {
    const b = `b-${crypto.randomBytes(6).toString('hex')}`;
    const a = m.attachment;
    raw = Buffer.concat([
      Buffer.from([...head, `Content-Type: multipart/mixed; boundary="${b}"`, '', `--${b}`, ...textPart, '', ''].join('\r\n')),
      bodyBytes,
      Buffer.from(
        [
          '',
          `--${b}`,
          `Content-Type: ${a.contentType}; name="${a.filename}"`,
          `Content-Disposition: attachment; filename="${a.filename}"`,
          'Content-Transfer-Encoding: base64',
          '',
          a.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
          `--${b}--`,
          '',
        ].join('\r\n'),
      ),
    ]);
  }
  return { raw, messageId: id };
}

/** Twenty mixed requests: Russian and English, some with attachments, one KOI8-R and one windows-1251 body. */
export function mixedBatch(from: string, to: string): CustomerMail[] {
  const ru = [
    'Не работает вход в личный кабинет',
    'Ошибка при выгрузке отчёта',
    'Прошу предоставить доступ к порталу',
    'Медленно открываются документы',
    'Вопрос по договору обслуживания',
    'Сбой синхронизации справочников',
    'Не приходят уведомления на почту',
    'Нужна консультация по настройке',
    'После обновления пропали права',
    'Ошибка 500 при сохранении',
  ];
  const en = [
    'Cannot log in to the portal',
    'Export to CSV fails',
    'Please grant access for a new colleague',
    'Invoices are not generated',
    'Question about our SLA',
    'Sync job stuck since morning',
    'Password reset email never arrives',
    'Feature request: bulk edit',
  ];
  const mails: CustomerMail[] = [];
  ru.forEach((s, i) =>
    mails.push({
      from, to, subject: s,
      body: `Здравствуйте!\n\n${s}. Организация: ООО «Ромашка», учётная запись ivanov.\nШаги: открыть, нажать «Сохранить».\nОжидали: успех. Получили: ошибку.\n\nС уважением, Иван`,
      attachment: i % 3 === 0 ? { filename: `скриншот-${i}.png`, contentType: 'image/png', content: crypto.randomBytes(2048 + i) } : undefined,
    }),
  );
  en.forEach((s, i) =>
    mails.push({
      from, to, subject: s,
      body: `Hello,\n\n${s}. Account: acme-${i}.\nSteps: open the page, press Save.\nExpected: success. Actual: an error.\n\nRegards, John`,
      attachment: i % 2 === 0 ? { filename: `log-${i}.txt`, contentType: 'text/plain', content: Buffer.from(`line ${i}\n`.repeat(100)) } : undefined,
    }),
  );
  mails.push({ from, to, subject: 'Письмо в кодировке KOI8-R', body: 'Добрый день! Это письмо в кодировке KOI8-R: съешь же ещё этих мягких французских булок.', charset: 'koi8-r' });
  mails.push({ from, to, subject: 'Письмо в кодировке windows-1251', body: 'Добрый день! Это письмо в кодировке windows-1251: в чащах юга жил бы цитрус? Да, но фальшивый экземпляр!', charset: 'windows-1251' });
  return mails;
}
