/**
 * Where a setting comes from: a command-line flag, else its environment variable, else a secret file.
 * Shared by the server's configuration, its auth settings and the `grafana` command, so the three agree
 * on what "unset" means and on how a secret file is read.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';

/** A found setting: where it came from (`--flag` or the env var's name, for messages) and its raw text. */
export type Setting = readonly [source: string, value: string];

export type Env = Readonly<Record<string, string | undefined>>;

/** Parsed flag values, as `node:util` parseArgs returns them. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** A flag's value, else its env var's; an empty env var counts as unset (compose files set `X=`). */
export function lookup(values: FlagValues, flag: string, env: Env, envName?: string): Setting | undefined {
  const fromFlag = values[flag];
  if (typeof fromFlag === 'string') return [`--${flag}`, fromFlag];
  if (envName === undefined) return undefined;
  const fromEnv = env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : [envName, fromEnv];
}

export type ReadFile = (path: string) => string;

const readUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * Reads a secret file (Docker and Kubernetes secrets, `echo secret > file`). The trailing CR/LF such
 * files end with is not part of the secret and is dropped; any other whitespace is kept (a password may
 * end with a space). Errors name the setting, the path and the system's error code, never the content.
 */
export function readSecretFile(source: string, path: string, read: ReadFile = readUtf8): string {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'string' ? code : (err as Error).message;
    throw new ConfigError(`${source}: cannot read ${JSON.stringify(path)} (${why})`);
  }
  return text.replace(/[\r\n]+$/, '');
}

/** A whole-number setting between `min` and `max`; anything else is a ConfigError naming the setting. */
export function integer(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
