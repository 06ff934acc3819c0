import fs from 'node:fs';
import { loadProduction } from '../sla/build';
import { ProductionDataError } from '../sla/production/data';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type RawConfig, type MailboxConfig } from './schema';
import { resolveSecret, Secret, type SecretEnv } from './secret';
import { defaultTemplatesDir } from '../paths';

/** Every template the daemon renders; each must exist in each mailbox language. */
export const TEMPLATE_NAMES = ['registration', 'notify-new', 'notify-followup', 'notify-bounce', 'relay', 'confirm', 'status-answer', 'status-unknown', 'limit', 'unknown-sender', 'sla-notice', 'awaiting-remind', 'closed', 'held-summary'] as const;

export interface ConfigProblem {
  path: string; // e.g. mailboxes[0].imap.port
  line: number | null; // 1-based line in the file
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: ConfigProblem[]) {
    super(`${file}: ${problems.length} problem(s)\n` + problems.map((p) => `  ${formatProblem(p)}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.line ? `line ${p.line}: ` : ''}${p.path || '(top level)'}: ${p.message}`;
}

type Resolved<T> = T extends { password: unknown } ? Omit<T, 'password'> & { password: Secret } : T;
export type ResolvedMailbox = Omit<MailboxConfig, 'imap' | 'smtp'> & {
  imap: Resolved<MailboxConfig['imap']>;
  smtp: Omit<MailboxConfig['smtp'], 'password'> & { password?: Secret };
};
export type Config = Omit<RawConfig, 'mailboxes' | 'templates_dir' | 'security'> & {
  file: string;
  templates_dir: string;
  mailboxes: ResolvedMailbox[];
  security: { token_secret?: Secret; trusted_authserv_id?: string };
};

/** --config, then $HELPDESK_CONFIG, then config/helpdesk.yaml. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return path.resolve(cwd, explicit ?? env.HELPDESK_CONFIG ?? 'config/helpdesk.yaml');
}

/** Reads, validates and resolves a config file. Throws ConfigError listing every problem with its line. */
export function loadConfig(file: string, secretEnv: SecretEnv = { env: process.env }, opts: LoadOptions = {}): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', line: null, message: `cannot read: ${(err as NodeJS.ErrnoException).code}` }]);
  }
  return parseConfig(text, file, secretEnv, opts);
}

export interface LoadOptions {
  /** false: leave secrets unresolved (empty) — for commands that connect to no server. */
  secrets?: boolean;
}

export function parseConfig(text: string, file: string, secretEnv: SecretEnv, opts: LoadOptions = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', line: lineCounter.linePos(e.pos[0]).line, message: `YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const lineOf = (p: PropertyKey[]) => lineOfPath(doc, lineCounter, p);
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((i) => toProblem(i, lineOf)));

  const problems: ConfigProblem[] = [];
  const secret = (ref: Parameters<typeof resolveSecret>[0], p: PropertyKey[]): Secret => {
    if (opts.secrets === false) return new Secret('');
    try {
      return resolveSecret(ref, secretEnv);
    } catch (err) {
      problems.push({ path: formatPath(p), line: lineOf(p), message: (err as Error).message });
      return new Secret('');
    }
  };
  const cfg = parsed.data;
  const mailboxes = cfg.mailboxes.map((m, i) => ({
    ...m,
    imap: { ...m.imap, password: secret(m.imap.password, ['mailboxes', i, 'imap', 'password']) },
    smtp: {
      ...m.smtp,
      password: m.smtp.password === undefined ? undefined : secret(m.smtp.password, ['mailboxes', i, 'smtp', 'password']),
    },
  }));
  const tokenSecret = cfg.security.token_secret === undefined ? undefined : secret(cfg.security.token_secret, ['security', 'token_secret']);
  for (const [name, c] of Object.entries(cfg.calendars)) {
    const data = c.production ? path.resolve(path.dirname(file), c.production) : null;
    if (data && !fs.existsSync(data)) {
      problems.push({ path: `calendars.${name}.production`, line: lineOf(['calendars', name, 'production']), message: `no file ${data}` });
    } else if (data) {
      try {
        loadProduction(data);
      } catch (err) {
        if (!(err instanceof ProductionDataError)) throw err;
        problems.push({ path: `calendars.${name}.production`, line: lineOf(['calendars', name, 'production']), message: err.message });
      }
    }
  }
  const templatesDir = cfg.templates_dir ?? defaultTemplatesDir;
  for (const lang of new Set(cfg.mailboxes.map((m) => m.language))) {
    for (const name of TEMPLATE_NAMES) {
      for (const form of ['hbs', 'html.hbs']) {
        const tpl = path.resolve(templatesDir, `${name}.${lang}.${form}`);
        if (!fs.existsSync(tpl)) problems.push({ path: 'templates_dir', line: lineOf(['templates_dir']), message: `no template ${tpl}` });
      }
    }
  }
  const layout = path.resolve(templatesDir, 'layout.html.hbs');
  if (!fs.existsSync(layout)) problems.push({ path: 'templates_dir', line: lineOf(['templates_dir']), message: `no template ${layout}` });
  if (problems.length > 0) throw new ConfigError(file, problems);
  // Under systemd, StateDirectory= is the natural home of the data when the file names none.
  const dataDir = !doc.has('data_dir') && secretEnv.env.STATE_DIRECTORY ? secretEnv.env.STATE_DIRECTORY.split(':')[0] : cfg.data_dir;
  return { ...cfg, data_dir: dataDir, templates_dir: templatesDir, file, mailboxes, security: { ...cfg.security, token_secret: tokenSecret } };
}

function toProblem(issue: z.core.$ZodIssue, lineOf: (p: PropertyKey[]) => number | null): ConfigProblem {
  if (issue.code === 'unrecognized_keys') {
    const p = [...issue.path, issue.keys[0]];
    return { path: formatPath(p), line: lineOf(p), message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` };
  }
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return {
    path: formatPath(issue.path),
    line: lineOf(issue.path),
    message: missing ? 'is required' : issue.message,
  };
}

/** Line of the deepest node of the path that exists in the document. */
function lineOfPath(doc: Document, lc: LineCounter, p: PropertyKey[]): number | null {
  for (let n = p.length; n >= 0; n--) {
    const sub = p.slice(0, n) as (string | number)[];
    const node = n === 0 ? doc.contents : doc.getIn(sub, true);
    if (isNode(node) && node.range) {
      // For a key that exists, point at the key (the pair's line), not the value.
      if (n > 0 && n === p.length) {
        const parent = n === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true);
        const pair = (parent as { items?: { key?: { range?: [number] }; value?: unknown }[] })?.items?.find(
          (it) => it.value === node,
        );
        if (pair?.key?.range) return lc.linePos(pair.key.range[0]).line;
      }
      return lc.linePos(node.range[0]).line;
    }
  }
  return null;
}

export function formatPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}
