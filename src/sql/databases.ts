/**
 * The database factory: a declared database's settings (from a fixture file) checked and completed
 * with defaults, its password read from a secret file or an env var, and the dialect's driver opened.
 */
import { isAbsolute, resolve } from 'node:path';
import { FixtureError } from '../errors';
import { type Env, type ReadFile, readSecretFile } from '../process/settings';
import { openSqlite } from './sqlite';
import { openThreaded } from './threaded';
import type { Database, Dialect } from './types';

/** A database as a fixture file declares it. */
export interface DatabaseConfig {
  readonly name: string;
  /** `postgres://user@host:5432/db`, `mysql://` or `mariadb://user@host:3306/db`, `sqlite:path/to/file.db`. */
  readonly url: string;
  /** A file holding the password (a Docker or Kubernetes secret); its trailing newline is dropped. */
  readonly passwordFile?: string;
  /** The name of the env var holding the password. */
  readonly passwordEnv?: string;
  /** Default true: every session refuses writes. */
  readonly readOnly?: boolean;
  /** Connections (SQLite: worker threads) kept open at most. */
  readonly pool?: number;
  /** Statements running at once; the others wait (abort-aware) up to `statementTimeout`. */
  readonly maxConcurrent?: number;
  /** Ms a statement may run before the database cancels it. */
  readonly statementTimeout?: number;
  /** Ms a statement waits for a free slot (maxConcurrent) before DatabaseTimeoutError; default statementTimeout. */
  readonly queueTimeout?: number;
  /** Ms to open a connection before the database counts as unreachable. */
  readonly connectTimeout?: number;
  /** More rows than this answers RowLimitError. */
  readonly maxRows?: number;
}

/** The settings every driver receives: defaults applied, the password resolved, the dialect known. */
export interface DriverSettings {
  readonly name: string;
  readonly dialect: Dialect;
  /** For postgres and mysql: the URL without its password. For sqlite: the absolute file path. */
  readonly target: string;
  readonly password: string | undefined;
  readonly readOnly: boolean;
  readonly pool: number;
  readonly maxConcurrent: number;
  readonly statementTimeout: number;
  readonly queueTimeout: number;
  readonly connectTimeout: number;
  readonly maxRows: number;
}

export const DATABASE_DEFAULTS = {
  readOnly: true,
  pool: 4,
  // Below the HTTP request timeout, so a slow statement answers DATABASE_TIMEOUT, not the request's 408.
  statementTimeout: 5000,
  connectTimeout: 2000,
  maxRows: 100_000,
} as const;

export interface DatabaseContext {
  /** Where a relative SQLite path resolves: the directory of the fixture file that declares it. */
  readonly baseDir: string;
  readonly env: Env;
  readonly readFile?: ReadFile;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function describeUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // An unparsable URL may still hold a password: show only its scheme.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '';
    return `${scheme}(unparsable url)`;
  }
}

/** The dialect a database URL names by its scheme, or undefined for a scheme of no supported database. */
export function urlDialect(url: string): Dialect | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  if (scheme === 'sqlite') return 'sqlite';
  return undefined;
}

function dialectOf(url: string, field: string): Dialect {
  const dialect = urlDialect(url);
  if (dialect !== undefined) return dialect;
  throw new FixtureError(
    `unsupported database url ${JSON.stringify(describeUrl(url))}: use postgres://, mysql://, mariadb:// or sqlite:`,
    { field },
  );
}

function positiveInt(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new FixtureError(`must be a positive integer, got ${JSON.stringify(value)}`, { field });
  }
  return value;
}

/** Checks a declared database and completes it; `field` prefixes the names in errors (`databases/plant`). */
export function resolveDatabase(
  config: DatabaseConfig,
  context: DatabaseContext,
  field = 'databases',
): DriverSettings {
  const at = `${field}/${config.name}`;
  const dialect = dialectOf(config.url, `${at}/url`);
  let target: string;
  let password: string | undefined;
  if (dialect === 'sqlite') {
    const path = config.url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new FixtureError('sqlite: needs a file path', { field: `${at}/url` });
    target = isAbsolute(path) ? path : resolve(context.baseDir, path);
  } else {
    let parsed: URL;
    try {
      parsed = new URL(config.url);
    } catch {
      throw new FixtureError(`unparsable database url ${JSON.stringify(describeUrl(config.url))}`, {
        field: `${at}/url`,
      });
    }
    password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
    parsed.password = '';
    target = parsed.toString();
  }
  if (config.passwordFile !== undefined && config.passwordEnv !== undefined) {
    throw new FixtureError('give passwordFile or passwordEnv, not both', { field: at });
  }
  if (config.passwordFile !== undefined) {
    const file = isAbsolute(config.passwordFile)
      ? config.passwordFile
      : resolve(context.baseDir, config.passwordFile);
    const source = `${at}/passwordFile`;
    try {
      password = readSecretFile(source, file, context.readFile);
    } catch (err) {
      // readSecretFile names its source first; FixtureError puts the field there itself.
      const message = (err as Error).message.replace(`${source}: `, '');
      throw new FixtureError(message, { field: source, cause: err });
    }
  } else if (config.passwordEnv !== undefined) {
    const value = context.env[config.passwordEnv];
    if (value === undefined || value === '') {
      throw new FixtureError(`env var ${config.passwordEnv} is not set`, { field: `${at}/passwordEnv` });
    }
    password = value;
  }
  const pool = positiveInt(config.pool, DATABASE_DEFAULTS.pool, `${at}/pool`);
  const statementTimeout = positiveInt(
    config.statementTimeout,
    DATABASE_DEFAULTS.statementTimeout,
    `${at}/statementTimeout`,
  );
  return {
    name: config.name,
    dialect,
    target,
    password,
    readOnly: config.readOnly ?? DATABASE_DEFAULTS.readOnly,
    pool,
    maxConcurrent: positiveInt(config.maxConcurrent, pool, `${at}/maxConcurrent`),
    statementTimeout,
    queueTimeout: positiveInt(config.queueTimeout, statementTimeout, `${at}/queueTimeout`),
    connectTimeout: positiveInt(
      config.connectTimeout,
      DATABASE_DEFAULTS.connectTimeout,
      `${at}/connectTimeout`,
    ),
    maxRows: positiveInt(config.maxRows, DATABASE_DEFAULTS.maxRows, `${at}/maxRows`),
  };
}

/** Opens a declared database (connections are made on first use, so an unreachable one does not stop boot). */
export function openDatabase(config: DatabaseConfig, context: DatabaseContext, field?: string): Database {
  const settings = resolveDatabase(config, context, field);
  switch (settings.dialect) {
    case 'postgres':
    case 'mysql':
      return openThreaded(settings);
    case 'sqlite':
      return openSqlite(settings);
  }
}
