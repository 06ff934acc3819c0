/**
 * `helpdesk calendar import FILE`, run in-process on a copy of the example
 * config and of config/calendars/ru.yaml in a temp dir (never the repo's own).
 * Expected decrees and days: the official ones (ru.yaml, the listed fixture),
 * or worked out by hand from the rules where said.
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli';
import { ICS_2026, ICS_2027, ics, ruYaml, ruYamlWithout, XML_2025, xmlCalendar, xmlFile } from '../support/calendar-files';
import { root, tmpDir } from '../support/env';

/** A config dir whose one production calendar is calendars/ru.yaml holding `data`. */
function desk(data: string) {
  const dir = tmpDir('calimport');
  const example = fs.readFileSync(path.join(root, 'config', 'helpdesk.example.yaml'), 'utf8');
  fs.writeFileSync(path.join(dir, 'helpdesk.yaml'), example.replace(/^templates_dir: .*$/m, `templates_dir: ${path.join(root, 'templates')}`));
  fs.mkdirSync(path.join(dir, 'calendars'));
  const dataFile = path.join(dir, 'calendars', 'ru.yaml');
  fs.writeFileSync(dataFile, data);
  const put = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
  return { dir, dataFile, put, config: path.join(dir, 'helpdesk.yaml') };
}

async function helpdesk(config: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'helpdesk', ...args, '--config', config], { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, stdin: async () => Buffer.alloc(0) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const SOURCE_2025 = 'Постановление Правительства РФ от 04.10.2024 № 1335';
const xml2025 = xmlFile(xmlCalendar(2025, XML_2025));

test('XML of 2025 into a data file without 2025: prints the diff and writes back ru.yaml byte for byte (comments kept), the mode kept', async () => {
  const d = desk(ruYamlWithout(2025));
  fs.chmodSync(d.dataFile, 0o640);
  const r = await helpdesk(d.config, 'calendar', 'import', d.put('2025.xml', xml2025), '--source', SOURCE_2025);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out.split('\n')).toEqual([
    `2025 (XML production calendar): decree of 5 transfers, 0 days off, 0 working weekend days, 0 short days; source: ${SOURCE_2025}`,
    '  against the rules (ru) alone:',
    "    - 2025-02-24 Mon  the rules' day off for 2025-02-23 is a working day (moved to 2025-05-08)",
    "    - 2025-03-10 Mon  the rules' day off for 2025-03-08 is a working day (moved to 2025-06-13)",
    '    + 2025-05-02 Fri  day off (moved from 2025-01-04)',
    '    + 2025-05-08 Thu  day off (moved from 2025-02-23)',
    '    - 2025-05-08 Thu  short day (a day off now)',
    '    + 2025-06-13 Fri  day off (moved from 2025-03-08)',
    '    + 2025-11-01 Sat  working weekend day (its day off moved to 2025-11-03)',
    '    + 2025-11-01 Sat  short day (works in the place of 2025-11-03, the eve of the holiday of 2025-11-04)',
    '    + 2025-11-03 Mon  day off (moved from 2025-11-01)',
    '    - 2025-11-03 Mon  short day (a day off now)',
    '    + 2025-12-31 Wed  day off (moved from 2025-01-05)',
    '    - 2025-12-31 Wed  short day (a day off now)',
    `  against ${d.dataFile}: it had nothing for 2025 (provisional: the rules alone)`,
    `wrote decrees.2025 to ${d.dataFile}`,
  ]);
  expect(fs.readFileSync(d.dataFile, 'utf8')).toBe(fs.readFileSync(ruYaml, 'utf8'));
  expect(fs.statSync(d.dataFile).mode & 0o777).toBe(0o640);
  expect(fs.readdirSync(path.dirname(d.dataFile))).toEqual(['ru.yaml']); // no temp file left

  // Again: the same decree is there.
  const again = await helpdesk(d.config, 'calendar', 'import', path.join(d.dir, '2025.xml'));
  expect(again.code).toBe(0);
  expect(again.out).toContain(`  against ${d.dataFile}: unchanged`);
  expect(again.out).toContain(`nothing to write: ${d.dataFile} already has decrees.2025`);
});

test('--dry-run prints the same and leaves the data file byte-identical', async () => {
  const d = desk(ruYamlWithout(2025));
  const before = fs.readFileSync(d.dataFile);
  const r = await helpdesk(d.config, 'calendar', 'import', d.put('2025.xml', xml2025), '--dry-run');
  expect(r.code).toBe(0);
  expect(r.out).toContain('    + 2025-05-02 Fri  day off (moved from 2025-01-04)');
  expect(r.out.split('\n').at(-1)).toBe('dry run: nothing written');
  expect(fs.readFileSync(d.dataFile).equals(before)).toBe(true);
  const show = await helpdesk(d.config, 'calendar', 'show', '2025', '--json');
  expect(JSON.parse(show.out)).toMatchObject({ basis: 'rules', provisional: true });
});

test('2026 from an iCalendar feed of days off: the same days as the official calendar; the diff says no short days were listed', async () => {
  const d = desk(ruYamlWithout(2026));
  const r = await helpdesk(d.config, 'calendar', 'import', d.put('2026.ics', ics(ICS_2026)));
  expect(r.code).toBe(0);
  expect(r.out).toContain("  note: the file lists no short days: the rules' short days stay");
  expect(r.out).toContain('    + 2026-01-09 Fri  day off (made free by the decree)');
  const t = JSON.parse((await helpdesk(d.config, 'calendar', 'show', '2026', '--json')).out);
  // The official 2026: 247 working days; Jan 9 and Dec 31 off; short Apr 30, May 8, Jun 11, Nov 3 (the rules' eves).
  expect(t).toMatchObject({ basis: 'decree', provisional: false, total: { workingDays: 247 } });
  expect(t.shortDays.map((s: { date: string }) => s.date)).toEqual(['2026-04-30', '2026-05-08', '2026-06-11', '2026-11-03']);
  expect(t.nonWorking.filter((o: { reason: string }) => o.reason === 'decree').map((o: { date: string }) => o.date)).toEqual(['2026-01-09', '2026-12-31']);
});

test('a feed with the same days as the data file\'s decree: unchanged, nothing written (the decree, which says where each day off came from, stays)', async () => {
  const d = desk(fs.readFileSync(ruYaml, 'utf8'));
  const before = fs.readFileSync(d.dataFile);
  const r = await helpdesk(d.config, 'calendar', 'import', d.put('2026.ics', ics(ICS_2026)));
  expect(r.code).toBe(0);
  expect(r.out).toContain(`  against ${d.dataFile}: unchanged`);
  expect(r.out.split('\n').at(-1)).toBe(`nothing to write: ${d.dataFile} already has decrees.2026`);
  expect(fs.readFileSync(d.dataFile).equals(before)).toBe(true);
});

test('a provisional year: after importing 2027 from a feed, calendar show 2027 says decree, not provisional', async () => {
  const d = desk(fs.readFileSync(ruYaml, 'utf8'));
  expect(JSON.parse((await helpdesk(d.config, 'calendar', 'show', '2027', '--json')).out)).toMatchObject({ basis: 'rules', provisional: true });
  const r = await helpdesk(d.config, 'calendar', 'import', d.put('2027.ics', ics(ICS_2027)), '--source', 'made up for the test');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  // The feed's days beyond the rules: Fri May 7 and Fri Dec 31 (whose rule short day goes with it).
  expect(r.out).toContain(['  against the rules (ru) alone:', '    + 2027-05-07 Fri  day off (made free by the decree)', '    + 2027-12-31 Fri  day off (made free by the decree)', '    - 2027-12-31 Fri  short day (a day off now)'].join('\n'));
  const t = JSON.parse((await helpdesk(d.config, 'calendar', 'show', '2027', '--json')).out);
  expect(t).toMatchObject({ basis: 'decree', provisional: false, source: 'made up for the test' });
  const text = fs.readFileSync(d.dataFile, 'utf8');
  expect(text.startsWith(fs.readFileSync(ruYaml, 'utf8'))).toBe(true); // the header comment and 2025, 2026 untouched
  expect(text.endsWith('  2027:\n    source: made up for the test\n    days_off: [2027-05-07, 2027-12-31]\n')).toBe(true);
});

test('round trip: calendar show 2025 --json imported into a data file without 2025 gives back the same decree', async () => {
  const from = desk(fs.readFileSync(ruYaml, 'utf8'));
  const shown = await helpdesk(from.config, 'calendar', 'show', '2025', '--json');
  expect(shown.code).toBe(0);
  const d = desk(ruYamlWithout(2025));
  const r = await helpdesk(d.config, 'calendar', 'import', d.put('2025.json', shown.out));
  expect(r.code).toBe(0);
  expect(fs.readFileSync(d.dataFile, 'utf8')).toBe(fs.readFileSync(ruYaml, 'utf8'));
});

test('--year picks one year of a file holding several; a year it lacks is exit 1', async () => {
  const d = desk(ruYamlWithout(2025));
  const two = d.put('two.xml', xmlFile(xmlCalendar(2024, [['01.01', 1]]), xmlCalendar(2025, XML_2025)));
  const r = await helpdesk(d.config, 'calendar', 'import', two, '--year', '2025', '--dry-run');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^2025 \(XML production calendar\)/);
  expect(r.out).not.toContain('2024 (');
  expect(await helpdesk(d.config, 'calendar', 'import', two, '--year', '2023')).toMatchObject({ code: 1, err: `${two}: the file has no 2023 (it has 2024, 2025)` });
  // Without --year, 2024 (only Jan 1 off) cannot be a year of the rules: nothing is written at all.
  const before = fs.readFileSync(d.dataFile);
  const all = await helpdesk(d.config, 'calendar', 'import', two);
  expect(all.code).toBe(1);
  expect(all.err).toContain('2024-01-02 Tue: the file has it as a working day, but it is a public holiday (New Year holidays)');
  expect(fs.readFileSync(d.dataFile).equals(before)).toBe(true);
});

describe('bad input: exit 1 with a message naming the problem, the data file untouched', () => {
  const cases: [string, string, string, string][] = [
    ['a file in no known format', 'days.txt', '2025-01-01 New Year\n', 'not a calendar this command reads'],
    ['an XML day with a bad d', 'bad.xml', xmlFile(xmlCalendar(2025, [...XML_2025, ['02.30', 1]])), '<day d="02.30" t="1">: d="02.30" is not a date of 2025 (MM.DD)'],
    ['an XML day with t=4', 'bad.xml', xmlFile(xmlCalendar(2025, [...XML_2025, ['07.01', 4]])), '<day d="07.01" t="4">: t must be 1 (a day off), 2 (a short working day) or 3 (a working weekend day)'],
    ['an iCalendar event with a time', 'meet.ics', ics([...ICS_2026, { start: '2026-03-03', time: '10:00', summary: 'Standup' }]), 'event "Standup" (UID day-10@test) starts at 2026-03-03T10:00:00Z: a day off is an all-day event'],
    ['a file that makes 23 February a working day', '2025.xml', xmlFile(xmlCalendar(2025, XML_2025.map(([md, t, f]) => (md === '02.23' ? ['02.23', 3] : [md, t, f])))), '2025-02-23 Sun: the file has it as a working day, but it is a public holiday (Defender of the Fatherland Day)'],
  ];
  test.each(cases)('%s', async (_what, name, text, expected) => {
    const d = desk(ruYamlWithout(2025));
    const before = fs.readFileSync(d.dataFile);
    const r = await helpdesk(d.config, 'calendar', 'import', d.put(name, text));
    expect(r.out).toBe('');
    expect(r.err).toContain(expected);
    expect(r.code).toBe(1);
    expect(fs.readFileSync(d.dataFile).equals(before)).toBe(true);
  });

  test('a file that is not there', async () => {
    const d = desk(ruYamlWithout(2025));
    const r = await helpdesk(d.config, 'calendar', 'import', path.join(d.dir, 'missing.xml'));
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining(`cannot read ${path.join(d.dir, 'missing.xml')}: ENOENT`) });
  });
});

test('usage errors exit 2: a bad --year, an unknown --calendar, an empty --source', async () => {
  const d = desk(ruYamlWithout(2025));
  const file = d.put('2025.xml', xml2025);
  expect(await helpdesk(d.config, 'calendar', 'import', file, '--year', '25')).toMatchObject({ code: 2, err: '"25" is not a year from 1900 on (e.g. 2027)' });
  expect(await helpdesk(d.config, 'calendar', 'import', file, '--calendar', 'nope')).toMatchObject({ code: 2, err: expect.stringContaining('unknown calendar "nope"') });
  expect(await helpdesk(d.config, 'calendar', 'import', file, '--source', ' ')).toMatchObject({ code: 2, err: '--source: say how the decree is cited' });
  expect((await helpdesk(d.config, 'calendar', 'import')).code).toBe(2);
});
