/**
 * The extended test: every mail of the shared third-party corpus
 * (../shared/corpus, present in CI; see its README for sources and licenses)
 * goes through `helpdesk parse --json` and through the intake pipeline.
 * jest.config.js leaves this file out when the corpus is not there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli';
import { corpusDir, corpusMails } from '../support/env';
import { intakeHarness, mailbox } from '../support/services';

const rows = corpusMails();

test('the corpus has its 153 mails', () => {
  expect(rows.length).toBe(153);
});

async function parseJson(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'helpdesk', 'parse', file, '--json'], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    stdin: async () => Buffer.alloc(0),
  });
  return { code, out: out.join(''), err: err.join('') };
}

const address = { address: expect.any(String), name: expect.any(String) };

test.each(rows)('helpdesk parse %s --json', async (rel) => {
  const r = await parseJson(path.join(corpusDir, rel));
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j).toEqual(
    expect.objectContaining({
      references: expect.any(Array),
      to: expect.any(Array),
      cc: expect.any(Array),
      subject: expect.any(String),
      text: expect.any(String),
      attachments: expect.any(Array),
    }),
  );
  for (const k of ['messageId', 'inReplyTo', 'ticketNumber', 'date']) expect(j[k] === null || typeof j[k] === 'string').toBe(true);
  if (j.date) expect(new Date(j.date).toISOString()).toBe(j.date);
  if (j.automated !== null) expect(['auto-reply', 'bounce', 'list', 'loop']).toContain(j.automated.kind);
  if (j.automated?.kind === 'bounce') for (const r of j.automated.recipients) expect(r).toEqual({ address: expect.stringContaining('@'), status: r.status === null ? null : expect.stringMatching(/^[245]\.\d+\.\d+$/), diagnostic: r.diagnostic === null ? null : expect.any(String), permanent: expect.any(Boolean), reason: expect.stringMatching(/^[a-z]+$/), hard: expect.any(Boolean) });
  if (rel.startsWith('sisimai-bounces/bsd/lhost-')) expect(j.automated.kind).toBe('bounce');
  if (j.from) expect(j.from).toEqual(address);
  for (const a of [...j.to, ...j.cc]) expect(a).toEqual(address);
  for (const a of j.attachments) {
    expect(a).toEqual({ filename: a.filename === null ? null : expect.any(String), contentType: expect.any(String), size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  }
});

test('every other file of the corpus (expectations, body fragments) also parses: exit 0 and one JSON object', async () => {
  const all = fs.readdirSync(corpusDir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(corpusDir, f)).isFile());
  const others = all.filter((f) => !rows.includes(f));
  expect(others.length).toBeGreaterThan(200);
  for (const rel of others) {
    const r = await parseJson(path.join(corpusDir, rel));
    expect({ rel, code: r.code, err: r.err }).toEqual({ rel, code: 0, err: '' });
    expect(typeof JSON.parse(r.out).text).toBe('string');
  }
});

describe('the whole corpus through intake', () => {
  const h = intakeHarness({ attachmentMaxBytes: 100_000 });
  afterAll(() => h.close());
  const outcomes = new Map<string, { outcome: string; replyQueued?: boolean; recipients?: string[] }>();

  test('every mail is registered, added to a request it replies to, or recognised as a duplicate; none is lost', async () => {
    for (const rel of rows) {
      outcomes.set(rel, await h.intake.process({ raw: fs.readFileSync(path.join(corpusDir, rel)), mailbox: mailbox(), receivedAt: h.clock.now() }));
    }
    const count = (what: string) => [...outcomes.values()].filter((o) => o.outcome === what).length;
    const [created, appended, bounced, dupes] = ['created', 'appended', 'bounced', 'ignored'].map(count);
    expect(created + appended + bounced + dupes).toBe(rows.length);
    expect(bounced).toBeGreaterThanOrEqual(20);
    expect(h.all<{ n: number }>("SELECT count(*) AS n FROM messages WHERE direction = 'in'")[0].n).toBe(created + appended + bounced);
    expect(h.all<{ n: number }>('SELECT count(*) AS n FROM tickets')[0].n).toBe(created);
  });

  test('no registration reply to bounces and auto-replies (RFC 3834)', () => {
    const machines = rows.filter((r) => r.startsWith('sisimai-bounces/bsd/') || r.startsWith('autoreplies-bounceparser/'));
    expect(machines.length).toBeGreaterThan(20);
    const answered = machines.filter((r) => outcomes.get(r)?.replyQueued);
    expect(answered).toEqual([]);
  });

  test('every bounce sisimai knows as one is taken as a bounce, with its failed recipients', () => {
    const bounces = rows.filter((r) => r.startsWith('sisimai-bounces/') && JSON.parse(fs.readFileSync(path.join(corpusDir, r.replace(/\.eml$/, '.expected.json')), 'utf8')).is_bounce);
    expect(bounces.length).toBe(20);
    // "ignored": a duplicate (the corpus holds one bounce twice, with the same Message-ID).
    expect(bounces.filter((r) => !['bounced', 'ignored'].includes(outcomes.get(r)!.outcome))).toEqual([]);
    expect(bounces.filter((r) => outcomes.get(r)!.outcome === 'bounced').length).toBeGreaterThanOrEqual(19);
    for (const r of bounces.filter((x) => outcomes.get(x)!.outcome === 'bounced')) expect(outcomes.get(r)!.recipients!.length).toBeGreaterThan(0);
  });
});
