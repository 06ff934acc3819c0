/** Fuzz on the whole shared corpus (../shared/corpus): every mail broken in 13 ways, 2 seeds each, through `helpdesk parse` and intake. */
import fs from 'node:fs';
import path from 'node:path';
import { corpusDir, corpusMails } from '../support/env';
import { fuzz } from '../support/fuzz';

jest.setTimeout(600_000);

test('mutated corpus mails: no crash, no hang', async () => {
  const mails = corpusMails().map((f) => ({ file: f, raw: fs.readFileSync(path.join(corpusDir, f)) }));
  expect(mails.length).toBe(153);
  const report = await fuzz(mails, { seed: Number(process.env.FUZZ_SEED ?? 1000), rounds: 2, limitMs: 3000 });
  console.log(`fuzz (corpus): ${report.cases} cases, slowest ${Math.round(report.slowestMs)} ms, outcomes ${JSON.stringify(report.outcomes)}`);
  expect(report.failures).toEqual([]);
  expect(report.cases).toBe(153 * 13 * 2);
});
