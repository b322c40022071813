/**
 * Flags and env vars of `simplejson-server grafana provision|yaml`, parsed and checked once.
 * Flags win over env vars; anything wrong is a ConfigError that names the flag.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors';
import { type Env, lookup as pick, readSecretFile } from '../process/settings';
import type { GrafanaAuth } from './client';
import { type Access, type DesiredDataSource, PLUGIN_TYPES, type PluginKind } from './types';

export type { Env };

export const DEFAULT_NAME = 'simplejson-server';
export const DEFAULT_PASSWORD_ENV = 'SIMPLEJSON_BASIC_AUTH_PASSWORD';
export const DEFAULT_TIMEOUT_S = 10;
/** Suffix of the second data source's name and uid with `--type both`. */
export const LEGACY_SUFFIX = '-legacy';

export interface ProvisionOptions {
  readonly grafanaUrl: string;
  readonly auth: GrafanaAuth;
  readonly dataSources: readonly DesiredDataSource[];
  readonly basicAuthPassword: string | undefined;
  readonly timeoutMs: number;
  readonly healthCheck: boolean;
  readonly requireHealth: boolean;
}

export interface YamlOptions {
  readonly dataSources: readonly DesiredDataSource[];
  /** The env var Grafana reads the basic auth password from (`$NAME` in the file). */
  readonly passwordEnv: string;
}

export type Parsed<T> = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: T };

/** Flags both commands share: what the data source looks like. */
const DATA_SOURCE_FLAGS = {
  name: { type: 'string' },
  url: { type: 'string' },
  type: { type: 'string' },
  access: { type: 'string' },
  uid: { type: 'string' },
  'basic-auth-user': { type: 'string' },
  'with-credentials': { type: 'boolean' },
  default: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PROVISION_FLAGS = {
  ...DATA_SOURCE_FLAGS,
  'grafana-url': { type: 'string' },
  'grafana-token': { type: 'string' },
  'grafana-user': { type: 'string' },
  'grafana-password': { type: 'string' },
  'grafana-password-file': { type: 'string' },
  'basic-auth-password': { type: 'string' },
  'basic-auth-password-file': { type: 'string' },
  timeout: { type: 'string' },
  'skip-health-check': { type: 'boolean' },
  'require-health': { type: 'boolean' },
} as const;

const YAML_FLAGS = {
  ...DATA_SOURCE_FLAGS,
  'basic-auth-password-env': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function parse(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>): Values {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** An absolute http(s) URL without credentials; the trailing slash removed. */
export function httpUrl(source: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${source}: ${JSON.stringify(raw)} is not a URL like http://host:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${source}: ${JSON.stringify(raw)} must start with http:// or https://`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`${source} must not carry a user or password; use the dedicated flags instead`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${source}: ${JSON.stringify(raw)} must not have a query string or #fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A secret file's content (see readSecretFile); an empty one is refused. */
function secretFile(source: string, path: string): string {
  const secret = readSecretFile(source, path);
  if (secret === '') throw new ConfigError(`${source}: ${JSON.stringify(path)} is empty`);
  return secret;
}

/** Grafana's uid rule (pkg/util/shortid_generator.go): letters, digits, - and _, at most 40. */
function checkUid(source: string, uid: string): string {
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(uid)) {
    throw new ConfigError(
      `${source}: ${JSON.stringify(uid)} is not a Grafana uid (1-40 letters, digits, - or _)`,
    );
  }
  return uid;
}

function dataSources(values: Values, env: Env): DesiredDataSource[] {
  const name = (pick(values, 'name', env)?.[1] ?? DEFAULT_NAME).trim();
  if (name === '') throw new ConfigError('--name must not be empty');
  const urlRaw = pick(values, 'url', env);
  if (urlRaw === undefined) {
    throw new ConfigError(
      '--url is required: the URL Grafana uses to reach this server, e.g. http://simplejson:8080',
    );
  }
  const url = httpUrl(...urlRaw);
  const typeRaw = pick(values, 'type', env)?.[1] ?? 'simpod';
  if (!['simpod', 'legacy', 'both'].includes(typeRaw)) {
    throw new ConfigError(`--type must be simpod, legacy or both, got ${JSON.stringify(typeRaw)}`);
  }
  const access = pick(values, 'access', env)?.[1] ?? 'proxy';
  if (access !== 'proxy' && access !== 'direct') {
    throw new ConfigError(`--access must be proxy or direct, got ${JSON.stringify(access)}`);
  }
  const uidRaw = pick(values, 'uid', env);
  const uid = uidRaw === undefined ? undefined : checkUid(...uidRaw);
  const basicAuthUser = pick(values, 'basic-auth-user', env, 'SIMPLEJSON_BASIC_AUTH_USER')?.[1];
  if (basicAuthUser !== undefined && (basicAuthUser === '' || basicAuthUser.includes(':'))) {
    throw new ConfigError('--basic-auth-user must be non-empty and must not contain ":"');
  }
  const kinds: PluginKind[] = typeRaw === 'both' ? ['simpod', 'legacy'] : [typeRaw as PluginKind];
  return kinds.map((kind, i) => {
    // With --type both, the second one gets suffixed names; only one data source may be the default.
    const suffix = i === 0 ? '' : LEGACY_SUFFIX;
    return {
      name: `${name}${suffix}`,
      type: PLUGIN_TYPES[kind],
      uid: uid === undefined ? undefined : checkUid('--uid', `${uid}${suffix}`),
      access: access as Access,
      url,
      basicAuthUser,
      withCredentials: values['with-credentials'] === true,
      isDefault: values.default === true && i === 0,
    };
  });
}

function grafanaAuth(values: Values, env: Env): GrafanaAuth {
  const token = pick(values, 'grafana-token', env, 'GRAFANA_TOKEN');
  const user = pick(values, 'grafana-user', env, 'GRAFANA_USER');
  const passwordFile = pick(values, 'grafana-password-file', env, 'GRAFANA_PASSWORD_FILE');
  const password =
    typeof values['grafana-password'] === 'string' || passwordFile === undefined
      ? pick(values, 'grafana-password', env, 'GRAFANA_PASSWORD')?.[1]
      : secretFile(...passwordFile);
  if (token !== undefined && user !== undefined) {
    throw new ConfigError(
      `give either a token (${token[0]}) or a user (${user[0]}) to log in to Grafana, not both`,
    );
  }
  if (token !== undefined) return { kind: 'token', token: token[1] };
  if (user !== undefined) {
    if (password === undefined) {
      throw new ConfigError(
        `${user[0]} needs a password: --grafana-password, --grafana-password-file or GRAFANA_PASSWORD`,
      );
    }
    return { kind: 'basic', user: user[1], password };
  }
  throw new ConfigError(
    'no Grafana login: give --grafana-token (GRAFANA_TOKEN), a service account token with the Admin role, ' +
      'or --grafana-user and --grafana-password (GRAFANA_USER, GRAFANA_PASSWORD)',
  );
}

function timeoutMs(values: Values): number {
  const raw = pick(values, 'timeout', {});
  if (raw === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const s = Number(raw[1]);
  if (!/^\d+(\.\d+)?$/.test(raw[1].trim()) || s <= 0 || s > 300) {
    throw new ConfigError(
      `--timeout must be a number of seconds above 0 and at most 300, got ${JSON.stringify(raw[1])}`,
    );
  }
  return Math.round(s * 1000);
}

export function parseProvision(argv: readonly string[], env: Env): Parsed<ProvisionOptions> {
  const values = parse(argv, PROVISION_FLAGS);
  if (values.help === true) return { kind: 'help' };
  const grafanaRaw = pick(values, 'grafana-url', env, 'GRAFANA_URL');
  if (grafanaRaw === undefined) {
    throw new ConfigError('--grafana-url (or GRAFANA_URL) is required, e.g. http://grafana:3000');
  }
  const grafanaUrl = httpUrl(...grafanaRaw);
  const auth = grafanaAuth(values, env);
  const list = dataSources(values, env);
  const passwordFile = pick(values, 'basic-auth-password-file', env);
  const basicAuthPassword =
    typeof values['basic-auth-password'] === 'string' || passwordFile === undefined
      ? pick(values, 'basic-auth-password', env, DEFAULT_PASSWORD_ENV)?.[1]
      : secretFile(...passwordFile);
  if (basicAuthPassword !== undefined && list[0]?.basicAuthUser === undefined) {
    throw new ConfigError('a basic auth password was given without --basic-auth-user');
  }
  if (values['skip-health-check'] === true && values['require-health'] === true) {
    throw new ConfigError('--skip-health-check and --require-health cannot be combined');
  }
  return {
    kind: 'run',
    options: {
      grafanaUrl,
      auth,
      dataSources: list,
      basicAuthPassword,
      timeoutMs: timeoutMs(values),
      healthCheck: values['skip-health-check'] !== true,
      requireHealth: values['require-health'] === true,
    },
  };
}

export function parseYaml(argv: readonly string[], env: Env): Parsed<YamlOptions> {
  const values = parse(argv, YAML_FLAGS);
  if (values.help === true) return { kind: 'help' };
  const passwordEnv = pick(values, 'basic-auth-password-env', env)?.[1] ?? DEFAULT_PASSWORD_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(passwordEnv)) {
    throw new ConfigError(
      `--basic-auth-password-env must be an env var name like ${DEFAULT_PASSWORD_ENV}, got ${JSON.stringify(passwordEnv)}`,
    );
  }
  return { kind: 'run', options: { dataSources: dataSources(values, env), passwordEnv } };
}
