import { main } from '../../src/cli';
import type { Outcome } from '../../src/intake/types';
import { intakeHarness, mailbox } from './services';

/** A seeded generator (mulberry32): a failing case can be made again from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (raw: Buffer, rnd: () => number) => Buffer;
const at = (raw: Buffer, rnd: () => number) => Math.floor(rnd() * Math.max(1, raw.length));
const lines = (raw: Buffer) => raw.toString('latin1').split(/(?<=\n)/);
const join = (l: string[]) => Buffer.from(l.join(''), 'latin1');

/** Ways real mail gets broken: in transit, by buggy mailers, or on purpose. */
export const MUTATIONS: Record<string, Mutation> = {
  'flip bytes': (raw, rnd) => {
    const out = Buffer.from(raw);
    for (let i = 0; i < 1 + rnd() * 20; i++) out[at(out, rnd)] = Math.floor(rnd() * 256);
    return out;
  },
  truncate: (raw, rnd) => raw.subarray(0, at(raw, rnd)),
  'drop a line': (raw, rnd) => {
    const l = lines(raw);
    l.splice(Math.floor(rnd() * l.length), 1);
    return join(l);
  },
  'repeat a line 1000 times': (raw, rnd) => {
    const l = lines(raw);
    const i = Math.floor(rnd() * l.length);
    l.splice(i, 0, ...Array<string>(1000).fill(l[i] ?? 'x\n'));
    return join(l);
  },
  'bare LF or bare CR': (raw, rnd) => Buffer.from(raw.toString('latin1').replace(/\r?\n/g, rnd() < 0.5 ? '\n' : '\r'), 'latin1'),
  'NUL and control bytes': (raw, rnd) => {
    const i = at(raw, rnd);
    return Buffer.concat([raw.subarray(0, i), Buffer.from([0, 1, 27, 0x7f, 0, 0xff, 0xfe]), raw.subarray(i)]);
  },
  'unknown charset and transfer encoding': (raw) =>
    Buffer.from(raw.toString('latin1').replace(/charset="?[\w-]+"?/gi, 'charset="x-no-such-42"').replace(/Content-Transfer-Encoding: *\S+/gi, 'Content-Transfer-Encoding: x-uuencode-9'), 'latin1'),
  'boundary lost': (raw) => Buffer.from(raw.toString('latin1').replace(/boundary="?([^";\r\n]+)"?/gi, 'boundary="gone"'), 'latin1'),
  'corrupt base64': (raw, rnd) => Buffer.from(raw.toString('latin1').replace(/^[A-Za-z0-9+/]{20,}=*$/gm, (l) => (rnd() < 0.3 ? l.replace(/[A-Z]/g, '!') : l)), 'latin1'),
  'header of 200 000 characters': (raw, rnd) => Buffer.concat([Buffer.from(`X-Long: ${'a'.repeat(200_000 * rnd())}\r\n`), raw]),
  'encoded words broken': (raw) => Buffer.from(raw.toString('latin1').replace(/=\?([^?]+)\?([BQbq])\?/g, '=?$1?X?'), 'latin1'),
  'nested 12 times': (raw) => {
    let m = raw;
    for (let i = 0; i < 12; i++) m = Buffer.concat([Buffer.from('Content-Type: message/rfc822\r\n\r\n'), m]);
    return m;
  },
  'multipart with no parts': () => Buffer.from('Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b--\r\n'),
};

export interface FuzzReport {
  cases: number;
  slowestMs: number;
  outcomes: Record<string, number>;
  failures: { file: string; mutation: string; seed: number; error: string }[];
}

/**
 * Each message, mutated each way (several times for the random ones),
 * through `helpdesk parse --json` and through intake. A case fails when
 * either throws, the JSON is not valid, or it takes longer than limitMs.
 */
export async function fuzz(mails: { file: string; raw: Buffer }[], o: { seed: number; rounds: number; limitMs: number }): Promise<FuzzReport> {
  const h = intakeHarness({ attachmentMaxBytes: 1_000_000 });
  const report: FuzzReport = { cases: 0, slowestMs: 0, outcomes: {}, failures: [] };
  let n = 0;
  try {
    for (const { file, raw } of mails) {
      for (const [name, mutate] of Object.entries(MUTATIONS)) {
        for (let r = 0; r < o.rounds; r++) {
          const seed = o.seed + n++;
          // A Message-ID of its own, so that intake takes each case through the whole pipeline, not as a duplicate.
          const mutated = mutate(ownId(raw, seed), seeded(seed));
          const t0 = performance.now();
          try {
            const out: string[] = [];
            const code = await main(['node', 'helpdesk', 'parse', '-', '--json'], { out: (t) => out.push(t), err: () => undefined, env: {}, stdin: async () => mutated });
            if (code !== 0) throw new Error(`parse exit ${code}`);
            JSON.parse(out.join(''));
            const result: Outcome = await h.intake.process({ raw: mutated, mailbox: mailbox(), receivedAt: h.clock.now() });
            report.outcomes[result.outcome] = (report.outcomes[result.outcome] ?? 0) + 1;
          } catch (err) {
            report.failures.push({ file, mutation: name, seed, error: String((err as Error).stack ?? err).slice(0, 400) });
          }
          const ms = performance.now() - t0;
          report.slowestMs = Math.max(report.slowestMs, ms);
          if (ms > o.limitMs) report.failures.push({ file, mutation: name, seed, error: `took ${Math.round(ms)} ms` });
          report.cases++;
        }
      }
    }
  } finally {
    h.close();
  }
  return report;
}

function ownId(raw: Buffer, seed: number): Buffer {
  const text = raw.toString('latin1');
  const id = `<fuzz-${seed}@fuzz.test>`;
  return Buffer.from(/^message-id:/im.test(text) ? text.replace(/^message-id:.*$/im, `Message-ID: ${id}`) : `Message-ID: ${id}\r\n${text}`, 'latin1');
}
