import fs from 'node:fs';
import { findConfigFile, loadConfig } from '../config/load';
import { configSchema } from '../config/schema';
import { describeAutomated } from '../mail/automated';
import { parseEmail, toJson } from '../mail/parse';
import { createNumbering, numberInSubject } from '../ticket/numbering';
import type { Io } from './io';

/** `helpdesk parse FILE` (- for standard input): no database, no network. The numbering format comes from the config when there is one. */
export async function parseCommand(io: Io, file: string, opts: { json?: boolean; config?: string }): Promise<number> {
  let raw: Buffer;
  try {
    raw = file === '-' ? await io.stdin() : fs.readFileSync(file);
  } catch (err) {
    io.err(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 1;
  }
  const mail = await parseEmail(raw);
  const n = numberingFor(io, opts.config);
  const json = toJson(mail, numberInSubject(mail.subject, n), describeAutomated(() => raw, mail));
  if (opts.json) {
    io.out(JSON.stringify(json));
  } else {
    io.out(
      [
        `Message-ID: ${json.messageId ?? '-'}`,
        `From:       ${json.from ? `${json.from.name} <${json.from.address}>` : '-'}`,
        `To:         ${json.to.map((a) => a.address).join(', ') || '-'}`,
        `Subject:    ${json.subject}`,
        `Date:       ${json.date ?? '-'}`,
        `Request:    ${json.ticketNumber ?? '-'}`,
        `Automated:  ${json.automated ? `${json.automated.kind} (${json.automated.reason})` : 'no'}`,
        `Attachments: ${json.attachments.length}`,
        ...json.attachments.map((a) => `  ${a.filename ?? '(unnamed)'}  ${a.contentType}  ${a.size} B`),
        '',
        json.text,
      ].join('\n'),
    );
  }
  return 0;
}

function numberingFor(io: Io, explicit: string | undefined) {
  const file = findConfigFile(explicit, io.env);
  let n = configSchema.shape.numbering.parse(undefined);
  if (explicit || fs.existsSync(file)) {
    try {
      n = loadConfig(file, { env: io.env }).numbering;
    } catch {
      // parse works without a valid config: the default format is used.
    }
  }
  return createNumbering({ format: n.format, yearlyReset: n.yearly_reset, timeZone: n.time_zone });
}
