/**
 * sisimai's bounces (../shared/corpus/sisimai-bounces, BSD-2-Clause): for
 * every failed recipient, the status, sisimai's reason name and hard/soft
 * that go-sisimai's own tests expect. Where we read a mail differently the
 * table below says what we read and why; everything else must agree.
 * jest.config.js leaves this file out when the corpus is not there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeAutomated } from '../../src/mail/automated';
import { parseEmail } from '../../src/mail/parse';
import { corpusDir } from '../support/env';

interface Expected {
  is_bounce: boolean;
  records: { deliverystatus: string; reason: string; hardbounce: boolean }[];
}
type Row = [status: string | null, reason: string, hard: boolean];

const dir = path.join(corpusDir, 'sisimai-bounces');
const mails = ['bsd', 'not'].flatMap((sub) =>
  fs
    .readdirSync(path.join(dir, sub))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ name: `${sub}/${f}`, file: path.join(dir, sub, f), expected: JSON.parse(fs.readFileSync(path.join(dir, sub, f.replace(/\.eml$/, '.expected.json')), 'utf8')) as Expected })),
);
const bounces = mails.filter((m) => m.expected.is_bounce);

/** sisimai's 5.0.9xx codes are its own guesses where the bounce gives no code; we say null there. */
const sisimai = (e: Expected): Row[] => e.records.map((r) => [/^5\.0\.9\d\d$/.test(r.deliverystatus) ? null : r.deliverystatus, r.reason, r.hardbounce]);

/** Where we read differently from sisimai, and why. */
const DIFFERENT: Record<string, { ours: Row[]; why: string }> = {
  'bsd/lhost-googlegroups-01.eml': { ours: [[null, 'undefined', false]], why: 'sisimai knows Google Groups by its Japanese text; we read no reason, so no suppression: the same effect' },
  'bsd/rfc3464-01.eml': {
    ours: [['5.1.1', 'userunknown', true]],
    why: 'the one Final-Recipient block says 5.1.1 User Unknown; sisimai takes "Not enough disk space" from the human text about a second, bare "<nekochan>"',
  },
};

const read = async (file: string): Promise<Row[]> => {
  const raw = fs.readFileSync(file);
  const found = describeAutomated(() => raw, await parseEmail(raw));
  return (found?.kind === 'bounce' ? found.recipients ?? [] : []).map((r) => [r.status, r.reason, r.hard]);
};

test('the corpus has 20 bounces among its 25 sisimai mails', () => {
  expect([mails.length, bounces.length]).toEqual([25, 20]);
});

test.each(bounces)('$name: status, reason and hard/soft of each recipient as sisimai reads them', async ({ name, file, expected }) => {
  expect(await read(file)).toEqual(DIFFERENT[name]?.ours ?? sisimai(expected));
});

test('agreement with sisimai: 18 of 20 mails in full; of 23 recipients, 22 by status, 20 by reason, 21 by hard/soft', async () => {
  let mailsAgree = 0;
  let statuses = 0;
  let reasons = 0;
  let hards = 0;
  let records = 0;
  for (const { file, expected } of bounces) {
    const ours = await read(file);
    const theirs = sisimai(expected);
    if (JSON.stringify(ours) === JSON.stringify(theirs)) mailsAgree++;
    records += theirs.length;
    theirs.forEach((t, i) => {
      if (ours[i] && ours[i][0] === t[0]) statuses++;
      if (ours[i]?.[1] === t[1]) reasons++;
      if (ours[i]?.[2] === t[2]) hards++;
    });
  }
  expect({ mailsAgree, records, statuses, reasons, hards }).toEqual({ mailsAgree: 18, records: 23, statuses: 22, reasons: 20, hards: 21 });
});

test('no false hard bounce: every recipient we call hard, sisimai calls hard too', async () => {
  for (const { name, file, expected } of bounces) {
    const theirs = sisimai(expected);
    (await read(file)).forEach((r, i) => {
      if (r[2] && name !== 'bsd/rfc3464-01.eml') expect([name, theirs[i]?.[2]]).toEqual([name, true]);
    });
  }
});
