/**
 * The settings of runtime control (src/admin, src/ingest, src/runtime): tokens, the data directory, the
 * bounds of pushed points and of the request journal. Nothing set keeps all of it off.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../errors';
import type { AuthOptions } from '../http/options';
import { DEFAULT_MAX_POINTS_PER_SERIES, DEFAULT_MAX_SERIES, DEFAULT_RETENTION_MS } from '../ingest/memory';
import { parseDuration } from '../time/duration';
import { tokenList } from './auth-config';
import { integer, type ReadFile, type Setting } from './settings';

export type ControlFlag =
  | 'admin-token'
  | 'admin-token-file'
  | 'write-token'
  | 'write-token-file'
  | 'data-dir'
  | 'retention'
  | 'max-points-per-series'
  | 'max-series'
  | 'journal-size'
  | 'journal-bytes';

export const DEFAULT_JOURNAL_SIZE = 1000;
export const DEFAULT_JOURNAL_BYTES = 8 * 1024 * 1024;

const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size setting (`512kb`, `8mb`, a bare number of bytes), 64 KiB to 4 GiB. */
function size(raw: Setting | undefined, def: number): number {
  if (raw === undefined) return def;
  const [name, text] = raw;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  const bytes = match === null ? NaN : Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] as number);
  if (!(bytes >= 64 * 1024 && bytes <= 4 * 1024 ** 3)) {
    throw new ConfigError(`${name} must be a size from 64kb to 4gb, like 8mb, got ${JSON.stringify(text)}`);
  }
  return Math.floor(bytes);
}

export interface ControlConfig {
  /** Tokens opening `/admin/` and `/write`; empty: the admin API is off (404). */
  readonly adminTokens: readonly string[];
  /** Tokens opening `/write` only. */
  readonly writeTokens: readonly string[];
  /** Where pushed points and runtime changes are kept (SQLite, WAL); undefined: memory only. */
  readonly dataDir: string | undefined;
  readonly retentionMs: number;
  readonly maxPointsPerSeries: number;
  readonly maxSeries: number;
  /** Requests the journal keeps (0: off); the journal is on only with the admin API. */
  readonly journalSize: number;
  /** Most bytes the journal keeps, as it estimates its entries. */
  readonly journalBytes: number;
}

/** The rows of config.ts's SETTINGS table for these settings: flag, env var, help, default. */
export const CONTROL_SETTINGS = [
  [
    'admin-token',
    'ADMIN_TOKEN',
    'turn on the admin API (/admin/) and /write with this token (Bearer)',
    'off',
  ],
  ['admin-token-file', 'ADMIN_TOKEN_FILE', 'read admin tokens from this file, one per line', 'none'],
  ['write-token', 'WRITE_TOKEN', 'a token that opens POST /write only (Telegraf, scripts)', 'none'],
  ['write-token-file', 'WRITE_TOKEN_FILE', 'read write tokens from this file, one per line', 'none'],
  [
    'data-dir',
    'DATA_DIR',
    'keep pushed points and runtime changes in this directory (SQLite)',
    'memory only',
  ],
  ['retention', 'RETENTION', 'pushed points older than this are dropped, e.g. 7d', '30d'],
  [
    'max-points-per-series',
    'MAX_POINTS_PER_SERIES',
    'most pushed points kept per series (the oldest go first)',
    String(DEFAULT_MAX_POINTS_PER_SERIES),
  ],
  [
    'max-series',
    'MAX_SERIES',
    'most pushed series (metric + tags) held; more are refused',
    String(DEFAULT_MAX_SERIES),
  ],
  ['journal-size', 'JOURNAL_SIZE', 'requests /admin/requests keeps (0: off)', String(DEFAULT_JOURNAL_SIZE)],
  ['journal-bytes', 'JOURNAL_BYTES', 'most bytes the journal keeps, e.g. 8mb', '8mb'],
] as const;

function whole(raw: Setting | undefined, def: number, min: number, max: number): number {
  return raw === undefined ? def : integer(raw[0], raw[1], min, max);
}

/** A credential of Grafana's that is also a control token would let a dashboard change the server. */
function checkSeparate(auth: AuthOptions, tokens: readonly string[], what: string): void {
  const grafana = [...(auth.bearerTokens ?? []), ...(auth.basic === undefined ? [] : [auth.basic.password])];
  if (tokens.some((t) => grafana.includes(t))) {
    throw new ConfigError(
      `${what} must differ from Grafana's credentials (--bearer-token, --basic-auth-password)`,
    );
  }
}

export function controlFromSettings(
  get: (flag: ControlFlag) => Setting | undefined,
  auth: AuthOptions,
  read?: ReadFile,
): ControlConfig {
  const adminTokens = tokenList(get('admin-token'), get('admin-token-file'), read, 'an admin token') ?? [];
  const writeTokens = tokenList(get('write-token'), get('write-token-file'), read, 'a write token') ?? [];
  checkSeparate(auth, adminTokens, 'the admin token');
  checkSeparate(auth, writeTokens, 'a write token');
  if (writeTokens.some((t) => adminTokens.includes(t))) {
    throw new ConfigError('a write token must differ from the admin token');
  }
  const retention = get('retention');
  let retentionMs = DEFAULT_RETENTION_MS;
  if (retention !== undefined) {
    try {
      retentionMs = parseDuration(retention[1], retention[0]);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    if (!(retentionMs > 0)) throw new ConfigError(`${retention[0]} must be longer than 0`);
  }
  const dataDir = get('data-dir');
  return {
    adminTokens,
    writeTokens,
    dataDir: dataDir === undefined ? undefined : resolve(dataDir[1]),
    retentionMs,
    maxPointsPerSeries: whole(get('max-points-per-series'), DEFAULT_MAX_POINTS_PER_SERIES, 1, 100_000_000),
    maxSeries: whole(get('max-series'), DEFAULT_MAX_SERIES, 1, 10_000_000),
    journalSize: whole(get('journal-size'), DEFAULT_JOURNAL_SIZE, 0, 1_000_000),
    journalBytes: size(get('journal-bytes'), DEFAULT_JOURNAL_BYTES),
  };
}
