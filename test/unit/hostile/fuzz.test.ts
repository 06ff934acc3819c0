/**
 * Fuzz: the fixture mails (imap_tools, talon, sisimai; see test/fixtures/NOTICE.md),
 * each broken in 13 ways, 3 seeds each for the random ones, through
 * `helpdesk parse - --json` and through intake. No exception, no hang
 * (a 3 s bound per case). The extended corpus test does the same on all
 * 153 mails of ../shared/corpus.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fuzz } from '../../support/fuzz';

jest.setTimeout(300_000);

const fixtures = path.join(__dirname, '../../fixtures');
const mails = fs
  .readdirSync(fixtures, { recursive: true })
  .map(String)
  .filter((f) => /\.(eml|msg)$/.test(f))
  .map((f) => ({ file: f, raw: fs.readFileSync(path.join(fixtures, f)) }));

test('mutated fixture mails: no crash, no hang', async () => {
  expect(mails.length).toBeGreaterThanOrEqual(40);
  const report = await fuzz(mails, { seed: Number(process.env.FUZZ_SEED ?? 1), rounds: 3, limitMs: 3000 });
  console.log(`fuzz (fixtures): ${report.cases} cases, slowest ${Math.round(report.slowestMs)} ms, outcomes ${JSON.stringify(report.outcomes)}`);
  expect(report.failures).toEqual([]);
  expect(report.cases).toBe(mails.length * 13 * 3);
});
