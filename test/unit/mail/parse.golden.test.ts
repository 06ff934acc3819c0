/**
 * Golden files written by another project (imap_tools, Apache-2.0; see
 * test/fixtures/NOTICE.md): what a mail says, checked against what we parse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../../src/mail/parse';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'imap_tools', 'messages');
const cases = fs
  .readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.eml'))
  .sort();

interface Expected {
  subject: string;
  from_: string;
  to: string[];
  cc: string[];
  date: string;
  text: string;
  attachments: { filename: string; content_type: string }[];
}

test('the fixtures are there', () => {
  expect(cases.length).toBe(12);
});

describe.each(cases)('%s', (file) => {
  const expected = (JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.eml$/, '.expected.json')), 'utf8')) as { DATA: Expected }).DATA;
  let mail: Awaited<ReturnType<typeof parseEmail>>;
  beforeAll(async () => {
    mail = await parseEmail(fs.readFileSync(path.join(dir, file)));
  });

  test('subject', () => {
    expect(mail.subject).toBe(expected.subject.replace(/\s+/g, ' ').trim());
  });
  test('from, to and cc addresses', () => {
    expect(mail.from?.address ?? '').toBe(expected.from_.toLowerCase());
    expect(mail.to.map((a) => a.address)).toEqual(expected.to.map((a) => a.toLowerCase()));
    expect(mail.cc.map((a) => a.address)).toEqual(expected.cc.map((a) => a.toLowerCase()));
  });
  test('date (an unparsable date is null)', () => {
    if (expected.date.startsWith('1900-01-01')) expect(mail.date).toBeNull();
    else expect(mail.date?.getTime()).toBe(new Date(/[+-]\d\d:\d\d$/.test(expected.date) ? expected.date : `${expected.date}Z`).getTime());
  });
  test('the first words of the text', () => {
    const words = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 40);
    if (expected.text.trim()) expect(words(mail.text)).toBe(words(expected.text));
  });
  test('attachment names and types', () => {
    const names = (list: { filename: string | null; contentType: string }[]) => list.map((a) => `${a.filename ?? ''} ${a.contentType}`);
    // A deliberate difference: we keep a bounce's text/rfc822-headers part as an attachment (imap_tools drops it).
    const ours = mail.attachments.filter((a) => a.contentType !== 'text/rfc822-headers');
    expect(names(ours)).toEqual(names(expected.attachments.map((a) => ({ filename: a.filename, contentType: a.content_type }))));
  });
});
