import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, isMap, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { ConfigError, findConfigFile, parseConfig, type ConfigProblem } from '../../../src/config/load';
import { configSchema } from '../../../src/config/schema';
import type { SecretEnv } from '../../../src/config/secret';

const examplePath = path.join(__dirname, '..', '..', '..', 'config', 'helpdesk.example.yaml');
const example = fs.readFileSync(examplePath, 'utf8');
const secrets = { env: { HELPDESK_IMAP_PASSWORD: 'imap-pw' } as NodeJS.ProcessEnv, readFile: () => 'smtp-pw\n' };

function problems(text: string, env: SecretEnv = secrets): ConfigProblem[] {
  try {
    parseConfig(text, examplePath, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

test('the example config is valid and resolves its secrets', () => {
  const cfg = parseConfig(example, examplePath, secrets);
  expect(cfg.mailboxes[0].imap.password.reveal()).toBe('imap-pw');
  expect(cfg.mailboxes[0].smtp.password?.reveal()).toBe('smtp-pw');
  expect(cfg.numbering.format).toBe('SUP-{year}-{seq:6}');
});

test('the example documents every key of the schema', () => {
  const documented = new Set<string>();
  const walk = (node: Node | null, prefix: string) => {
    if (isMap(node)) for (const p of node.items) {
      const key = `${prefix}${String((p.key as { value: unknown }).value)}`;
      documented.add(key);
      walk(p.value as Node, `${key}.`);
    }
    if (isSeq(node)) for (const item of node.items) walk(item as Node, prefix);
  };
  walk(parseDocument(example).contents as Node, '');
  const keys: string[] = [];
  const collect = (schema: z.ZodType, prefix: string) => {
    let s: z.ZodType = schema;
    for (;;) {
      const def = (s as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType } }).def;
      if (def.innerType) s = def.innerType;
      else if (def.type === 'array') s = def.element!;
      else if (def.type === 'pipe') s = def.in!;
      else break;
    }
    if (s instanceof z.ZodObject) for (const [k, v] of Object.entries(s.shape)) {
      keys.push(`${prefix}${k}`);
      collect(v as z.ZodType, `${prefix}${k}.`);
    }
  };
  collect(configSchema, '');
  expect(keys.length).toBeGreaterThan(30);
  expect(keys.filter((k) => !documented.has(k))).toEqual([]);
});

test('a broken file: every problem is named with its key path and line', () => {
  const broken = example
    .replace('      port: 993                     # default: 993', '      port: "imap"')
    .replace('    language: ru', '    language: de')
    .replace('  level: info', '  level: info\n  colour: red');
  const found = problems(broken);
  const line = (needle: string) => broken.split('\n').findIndex((l) => l.includes(needle)) + 1;
  expect(found).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: 'mailboxes[0].imap.port', line: line('port: "imap"') }),
      expect.objectContaining({ path: 'mailboxes[0].language', line: line('language: de') }),
      expect.objectContaining({ path: 'log.colour', line: line('colour: red'), message: 'unknown key colour' }),
    ]),
  );
  expect(found).toHaveLength(3);
});

test('a missing required key is named at its parent', () => {
  const text = 'mailboxes:\n  - name: support\n    addresses: [a@b.test]\n    imap:\n      host: h\n      password: x\n    smtp:\n      host: h\n';
  expect(problems(text)).toEqual([{ path: 'mailboxes[0].imap.user', line: 5, message: 'is required' }]);
});

test('YAML syntax errors carry their line', () => {
  const found = problems('data_dir: ./data\nmailboxes:\n  - name: [unclosed\n');
  expect(found[0].line).toBeGreaterThanOrEqual(3);
  expect(found[0].message).toMatch(/^YAML:/);
});

test('bad values: time zone, address, numbering format, duplicate mailbox names', () => {
  const text = `numbering:\n  format: SUP-{year}\nmailboxes:\n${[1, 2]
    .map(() => '  - name: support\n    time_zone: Mars/Olympus\n    addresses: [not-an-address]\n    imap: {host: h, user: u, password: p}\n    smtp: {host: h}\n')
    .join('')}`;
  const paths = problems(text).map((p) => `${p.path}@${p.line}`);
  expect(paths).toEqual(
    expect.arrayContaining(['numbering.format@2', 'mailboxes[0].time_zone@5', 'mailboxes[0].addresses[0]@6']),
  );
  const dup = text.replace(/Mars\/Olympus/g, 'UTC').replace(/not-an-address/g, 'a@b.test').replace('SUP-{year}', 'SUP-{year}-{seq}');
  expect(problems(dup)).toEqual([{ path: 'mailboxes[1].name', line: 9, message: 'duplicate mailbox name "support"' }]);
});

test('a secret that cannot be resolved is a problem of its key', () => {
  const found = problems(example, { env: {}, readFile: () => 'x' });
  expect(found).toEqual([
    { path: 'mailboxes[0].imap.password', line: expect.any(Number), message: 'environment variable HELPDESK_IMAP_PASSWORD is not set' },
  ]);
  const noFile = problems(example, {
    env: { HELPDESK_IMAP_PASSWORD: 'x', CREDENTIALS_DIRECTORY: '/run/credentials/helpdesk.service' },
    readFile: (f) => {
      throw Object.assign(new Error(f), { code: 'ENOENT' });
    },
  });
  expect(noFile[0].message).toBe('cannot read secret file /run/credentials/helpdesk.service/smtp-password: ENOENT');
});

test('secrets never show when the config is printed or logged', () => {
  const cfg = parseConfig(example, examplePath, secrets);
  const printed = JSON.stringify(cfg);
  expect(printed).not.toContain('imap-pw');
  expect(printed).not.toContain('smtp-pw');
  expect(printed).toContain('"password":"***"');
  expect(require('node:util').inspect(cfg, { depth: 10 })).not.toContain('imap-pw');
});

test('the config file is found by --config, then $HELPDESK_CONFIG, then config/helpdesk.yaml', () => {
  expect(findConfigFile('/etc/a.yaml', { HELPDESK_CONFIG: '/etc/b.yaml' }, '/srv')).toBe('/etc/a.yaml');
  expect(findConfigFile(undefined, { HELPDESK_CONFIG: '/etc/b.yaml' }, '/srv')).toBe('/etc/b.yaml');
  expect(findConfigFile(undefined, {}, '/srv')).toBe('/srv/config/helpdesk.yaml');
});

test('the flag of flag mode must be an IMAP keyword', () => {
  const text = example.replace('        flag: $HelpdeskStored       # default: $HelpdeskStored', '        flag: \\Flagged');
  expect(problems(text)).toEqual([expect.objectContaining({ path: 'mailboxes[0].imap.after.flag', message: expect.stringContaining('IMAP keyword') })]);
});

test('without data_dir in the file, systemd\'s $STATE_DIRECTORY is used; a data_dir in the file wins', () => {
  const env = { ...secrets, env: { ...secrets.env, STATE_DIRECTORY: '/var/lib/helpdesk' } };
  expect(parseConfig(example.replace('data_dir: ./data\n', ''), examplePath, env).data_dir).toBe('/var/lib/helpdesk');
  expect(parseConfig(example, examplePath, env).data_dir).toBe('./data');
  expect(parseConfig(example.replace('data_dir: ./data\n', ''), examplePath, secrets).data_dir).toBe('./data');
});

test('a templates_dir without the templates of a mailbox language is a problem', () => {
  const text = example.replace('templates_dir: ./templates', 'templates_dir: /nonexistent/templates');
  const found = problems(text);
  // Each of the 14 templates in its text and HTML form, and the HTML layout.
  expect(found).toHaveLength(29);
  expect(found.at(-1)!.message).toBe('no template /nonexistent/templates/layout.html.hbs');
  expect(found[0]).toEqual({ path: 'templates_dir', line: text.split('\n').findIndex((l) => l.startsWith('templates_dir')) + 1, message: 'no template /nonexistent/templates/registration.ru.hbs' });
  expect(parseConfig(example.replace('templates_dir: ./templates\n', ''), examplePath, secrets).templates_dir).toMatch(/templates$/);
});

test('plans must name existing calendars; production files must exist', () => {
  const text = example.replace('    calendar: msk-24x7\n    max_open: null\n    severities:\n      critical: { reaction: 20m', '    calendar: msk-9x5\n    max_open: null\n    severities:\n      critical: { reaction: 20m');
  expect(problems(text)).toEqual([expect.objectContaining({ path: 'plans.premium.calendar', message: expect.stringContaining('no calendar "msk-9x5"') })]);
  const noFile = example.replace('production: calendars/ru.yaml', 'production: calendars/xx.yaml');
  expect(problems(noFile)).toEqual([
    { path: 'calendars.msk-workdays.production', line: noFile.split('\n').findIndex((l) => l.includes('calendars/xx.yaml')) + 1, message: expect.stringContaining('no file') },
  ]);
});

test('an organisation may not list more contacts than its max_contacts', () => {
  const text = example.replace('    contacts: [ivan.petrov@partner.example]\n', '    contacts: [a@x.example, b@x.example, c@x.example, d@x.example, e@x.example]\n');
  expect(problems(text)).toEqual([expect.objectContaining({ path: 'organisations[0].contacts', message: '5 contacts, more than max_contacts (4)' })]);
});

test('smtp.max_connections: 4 by default; 0 is refused with its key', () => {
  const cfg = parseConfig(example.replace(/^\s*max_connections: 4 .*\n/m, ''), examplePath, secrets);
  expect(cfg.mailboxes[0].smtp.max_connections).toBe(4);
  const text = example.replace('max_connections: 4 ', 'max_connections: 0 ');
  expect(problems(text)).toEqual([expect.objectContaining({ path: 'mailboxes[0].smtp.max_connections' })]);
});

describe('a numbering that cannot work is refused (issue 11, class 7)', () => {
  const withNumbering = (yaml: string) => example.replace(/numbering:\n(?: {2}.*\n|\s*#.*\n)*/, `numbering:\n${yaml}\n`);

  test.each([
    ['  format: "SUP-{seq:6}"', /must contain \{year\} while numbering.yearly_reset is true/],
    ['  format: "SUP-{seq:6}"\n  yearly_reset: true', /must contain \{year\}/],
    ['  format: "{year}-{seq:6}"', /at least one letter/],
    ['  format: "{seq}"\n  yearly_reset: false', /at least one letter/],
    ['  format: "SUP [{year}] {seq}"', /spaces or square brackets/],
    ['  format: "SUP-{year}-{seq:0}"', /N from 1 to 12/],
  ])('%s', (yaml, message) => {
    const p = problems(withNumbering(yaml));
    expect(p).toContainEqual(expect.objectContaining({ path: 'numbering.format', message: expect.stringMatching(message) }));
  });

  test.each([['  format: "SUP-{seq:6}"\n  yearly_reset: false'], ['  format: "HD{year}.{seq:4}"'], ['  format: "SUP-{year}-{seq:6}"']])('%s is accepted', (yaml) => {
    expect(() => parseConfig(withNumbering(yaml), examplePath, secrets)).not.toThrow();
  });
});

test('intake.spam: off by default with the default rules; a rule with none or two of is/starts_with/above, or a bad header name, is refused at its key', () => {
  const bare = parseConfig(example.replace(/\nintake:\n(?: {2,}.*\n|\n(?= ))*/, '\n'), examplePath, secrets);
  expect(bare.intake.spam.trusted).toBe(false);
  expect(bare.intake.spam.rules.map((r) => r.header)).toEqual(['X-Spam-Flag', 'X-Spam-Status', 'X-Spam', 'X-Spam-Action', 'X-Yandex-Spam', 'X-Spam-Score', 'X-Rspamd-Score']);
  expect(bare.mailboxes[0].imap.spam_folder).toBe('Helpdesk/Spam');
  const rules = (yaml: string) => example.replace("      - { header: X-Spam-Flag, is: ['YES'] }                                  # SpamAssassin", yaml);
  expect(problems(rules('      - { header: X-Spam-Flag }'))).toEqual([{ path: 'intake.spam.rules[0]', line: expect.any(Number), message: 'give exactly one of is, starts_with, above' }]);
  expect(problems(rules("      - { header: X-Spam-Flag, is: ['YES'], above: 3 }"))[0]).toMatchObject({ path: 'intake.spam.rules[0]', message: 'give exactly one of is, starts_with, above' });
  expect(problems(rules("      - { header: 'X Spam:', is: ['YES'] }"))[0]).toMatchObject({ path: 'intake.spam.rules[0].header', message: 'not a header name' });
});
