import fs from 'node:fs';
import path from 'node:path';
import type { SecretRef } from './schema';

/**
 * A resolved secret. It prints as "***" in JSON, logs and util.inspect, so a
 * password can only leave the process through reveal().
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '***';
  }
  toString(): string {
    return '***';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '***';
  }
}

export interface SecretEnv {
  env: NodeJS.ProcessEnv;
  readFile?: (file: string) => string;
}

/** Resolves a secret reference; throws an Error whose message says what is missing. */
export function resolveSecret(ref: SecretRef, { env, readFile = (f) => fs.readFileSync(f, 'utf8') }: SecretEnv): Secret {
  if (typeof ref === 'string') return new Secret(ref);
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${ref.env} is not set`);
    return new Secret(value);
  }
  const dir = env.CREDENTIALS_DIRECTORY;
  const file = path.isAbsolute(ref.file) || !dir ? ref.file : path.join(dir, ref.file);
  try {
    return new Secret(readFile(file).replace(/\r?\n$/, ''));
  } catch (err) {
    throw new Error(`cannot read secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
