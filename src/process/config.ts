import { parseArgs } from 'node:util';
import { authFromSettings } from './auth-config';
import { CONTROL_SETTINGS, type ControlConfig, controlFromSettings } from './control-config';
import { ConfigError } from '../errors';
import { LOG_LEVELS, type LogLevel } from './logging';
import { type AuthOptions, type CorsOptions, DEFAULTS } from '../http/options';
import { integer, lookup, type Setting } from './settings';
import { DEFAULT_SHUTDOWN_TIMEOUT } from './shutdown';
import { parseDuration } from '../time/duration';

/** Everything `simplejson-server` can be told, after parsing and checking. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A fixtures directory; undefined serves the bundled demo. */
  readonly fixtures: string | undefined;
  readonly cors: Required<CorsOptions>;
  readonly bodyLimit: string;
  readonly defaultMaxDataPoints: number;
  readonly maxDataPointsCeiling: number;
  readonly maxPatternLength: number;
  readonly maxTargets: number;
  readonly maxInFlight: number;
  /** Milliseconds; 0 is off. */
  readonly requestTimeout: number;
  /** Milliseconds a SIGTERM/SIGINT waits for requests in flight before closing their connections. */
  readonly shutdownTimeout: number;
  /** `{}` when auth is off. */
  readonly auth: AuthOptions;
  readonly logLevel: LogLevel;
  /** Reload the fixtures when a file in their directory changes (SIGHUP always reloads). */
  readonly watch: boolean;
  /** Processes serving the port together (src/cluster.ts); 1 serves in this process. */
  readonly workers: number;
  /** The admin API, push ingestion, the data directory and the request journal (control-config.ts). */
  readonly control: ControlConfig;
  /** Serve the explorer page at /ui/ (src/ui). */
  readonly ui: boolean;
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'serve'; readonly config: Config };

export const DEFAULT_PORT = 8080;

/** One row per setting: the flag, its env var, and its help text. The usage text is built from this. */
const SETTINGS = [
  ['port', 'PORT', `TCP port to listen on (0 picks a free one)`, String(DEFAULT_PORT)],
  ['host', 'HOST', 'interface to listen on', '0.0.0.0'],
  ['fixtures', 'FIXTURES_DIR', 'directory of fixture files (*.json, *.csv)', 'the bundled demo'],
  ['cors-origins', 'CORS_ORIGINS', 'comma-separated allowed browser origins, or *', '*'],
  [
    'cors-credentials',
    'CORS_CREDENTIALS',
    'true/false: allow cookies and auth from browsers',
    'true for a list, false for *',
  ],
  ['body-limit', 'BODY_LIMIT', 'largest request body, e.g. 512kb, 1mb', DEFAULTS.bodyLimit],
  [
    'default-max-data-points',
    'DEFAULT_MAX_DATA_POINTS',
    'points per series when a query sets no maxDataPoints',
    String(DEFAULTS.defaultMaxDataPoints),
  ],
  [
    'max-data-points',
    'MAX_DATA_POINTS',
    'ceiling on points per series, whatever a query asks',
    String(DEFAULTS.maxDataPointsCeiling),
  ],
  [
    'max-pattern-length',
    'MAX_PATTERN_LENGTH',
    'longest regex accepted in targets and filters',
    String(DEFAULTS.maxPatternLength),
  ],
  ['max-targets', 'MAX_TARGETS', 'most targets in one /query (1-1000)', String(DEFAULTS.maxTargets)],
  [
    'max-in-flight',
    'MAX_IN_FLIGHT',
    'most requests in flight; more get 503 with Retry-After (0: no limit)',
    String(DEFAULTS.maxInFlight),
  ],
  [
    'request-timeout',
    'REQUEST_TIMEOUT',
    'answer 408 when a request is not complete by then, e.g. 10s or 10000 (ms) (0: off)',
    `${DEFAULTS.requestTimeout / 1000}s`,
  ],
  [
    'shutdown-timeout',
    'SHUTDOWN_TIMEOUT',
    'on SIGTERM/SIGINT, wait this long for requests in flight',
    `${DEFAULT_SHUTDOWN_TIMEOUT / 1000}s`,
  ],
  ['basic-auth-user', 'BASIC_AUTH_USER', 'require HTTP basic auth with this user', 'auth off'],
  ['basic-auth-password', 'BASIC_AUTH_PASSWORD', 'the basic auth password (prefer the file)', 'none'],
  [
    'basic-auth-password-file',
    'BASIC_AUTH_PASSWORD_FILE',
    'read the password from this file (a Docker/Kubernetes secret)',
    'none',
  ],
  ['bearer-token', 'BEARER_TOKEN', 'require Authorization: Bearer with this token', 'auth off'],
  ['bearer-token-file', 'BEARER_TOKEN_FILE', 'read accepted tokens from this file, one per line', 'none'],
  [
    'auth-exempt-health',
    'AUTH_EXEMPT_HEALTH',
    'true/false: GET / without credentials is answered (for probes)',
    'false',
  ],
  ['log-level', 'LOG_LEVEL', `${LOG_LEVELS.join(', ')}`, 'info'],
  ['watch', 'WATCH', 'true/false: reload fixtures when their files change', 'false'],
  ['workers', 'WORKERS', 'processes sharing the port (1-64), each loading the fixtures', '1'],
  ['ui', 'UI', 'true/false: serve the explorer page at /ui/ (same auth as the API)', 'true'],
  ...CONTROL_SETTINGS,
] as const;

/** The settings that are on or off: given alone they mean true (`--watch`). */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['cors-credentials', 'auth-exempt-health', 'watch', 'ui']);

/** The subcommands, each with one example; their own `--help` lists their options. */
const COMMANDS = [
  [
    'grafana provision',
    'create or update the data source in Grafana through its HTTP API',
    'simplejson-server grafana provision --grafana-url http://grafana:3000 --url http://simplejson:8080',
  ],
  [
    'grafana yaml',
    'print a Grafana provisioning file for the data source',
    'simplejson-server grafana yaml --url http://simplejson:8080 > datasource.yaml',
  ],
  [
    'check [dir]',
    'check the fixture files in dir without starting the server',
    'simplejson-server check ./my-fixtures',
  ],
] as const;

export function usage(): string {
  const commands = COMMANDS.map(
    ([name, help, example]) => `  ${name.padEnd(27)} ${help}\n  ${''.padEnd(27)} e.g. ${example}`,
  );
  const rows = SETTINGS.map(
    ([flag, env, help, def]) =>
      `  --${flag.padEnd(25)} ${help}\n  ${''.padEnd(27)} env ${env}, default ${def}`,
  );
  return [
    'Usage: simplejson-server [options]',
    '       simplejson-server <command> [options]',
    '',
    'A backend for the Grafana SimpleJSON and JSON (simpod) data sources.',
    '',
    'Commands:',
    ...commands,
    '  Run "simplejson-server <command> --help" for its options.',
    '',
    'Options (flags win over environment variables):',
    ...rows,
    '  -h, --help                  show this help',
    '  -v, --version               print the version',
    '',
    'A true/false flag given alone means true (--watch); --watch=false and --watch false also work.',
    'A duration is 500ms, 10s, 5m, 1h30m, or a bare number of milliseconds (--request-timeout 5000).',
  ].join('\n');
}

/**
 * Lets a true/false flag stand alone: `--watch` becomes `--watch=true`, and `--watch false` becomes
 * `--watch=false`. The next argument is the flag's value unless it starts with `-` (so `--watch --port
 * 9000` keeps its port): the server takes no positional arguments, so a word there can only be the value
 * (and a word that is not true/false is refused by name). A string flag's value is skipped over, whatever
 * it looks like; nothing after `--` is touched.
 */
export function expandBooleanFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && BOOLEAN_FLAGS.has(name)) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        out.push(`${arg}=${next}`);
        i += 1;
      } else {
        out.push(`${arg}=true`);
      }
    } else if (name !== undefined && SETTINGS.some(([flag]) => flag === name) && i + 1 < argv.length) {
      out.push(arg, argv[i + 1] ?? '');
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function bool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function origins(name: string, raw: string): '*' | string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new ConfigError(`${name} must list at least one origin, or *`);
  if (list.includes('*')) {
    if (list.length > 1) throw new ConfigError(`${name}: * cannot be combined with other origins`);
    return '*';
  }
  for (const origin of list) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      !['http:', 'https:'].includes(url.protocol) ||
      url.origin !== origin.replace(/\/$/, '')
    ) {
      throw new ConfigError(
        `${name}: ${JSON.stringify(origin)} is not an origin like https://grafana.example.com`,
      );
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
}

function bodyLimit(name: string, raw: string): string {
  if (!/^\d+(\.\d+)?\s*(b|kb|mb)?$/i.test(raw.trim())) {
    throw new ConfigError(`${name} must be a size like 512kb or 1mb, got ${JSON.stringify(raw)}`);
  }
  return raw.trim().toLowerCase();
}

/**
 * A duration setting (`10s`, `500ms`, `0` for off) in milliseconds, at most `max`. A bare whole number is
 * milliseconds, as in fixture files (`--request-timeout 5000`).
 */
function millis(raw: Setting | undefined, def: number, max: number): number {
  if (raw === undefined) return def;
  const [name, text] = raw;
  let ms: number;
  try {
    ms = parseDuration(/^\s*\d+\s*$/.test(text) ? Number(text) : text, name);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (ms > max) throw new ConfigError(`${name} must be at most ${max / 1000}s, got ${JSON.stringify(text)}`);
  return ms;
}

function logLevel(raw: Setting | undefined): LogLevel {
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw[1].trim().toLowerCase());
  if (level === undefined) {
    throw new ConfigError(`${raw[0]} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw[1])}`);
  }
  return level;
}

/** Parses CLI flags and env vars into a checked Config; anything wrong is a ConfigError naming it. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Command {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: expandBooleanFlags(argv),
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        ...Object.fromEntries(SETTINGS.map(([flag]) => [flag, { type: 'string' as const }])),
      },
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${usage()}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const get = (flag: (typeof SETTINGS)[number][0]): Setting | undefined => {
    const setting = SETTINGS.find(([f]) => f === flag);
    return lookup(values, flag, env, setting?.[1]);
  };
  const num = (flag: Parameters<typeof get>[0], def: number, min: number, max: number) => {
    const v = get(flag);
    return v === undefined ? def : integer(v[0], v[1], min, max);
  };
  const flag = (name: Parameters<typeof get>[0]) => {
    const [source, raw] = get(name) ?? [name, ''];
    return bool(source, raw);
  };
  const corsRaw = get('cors-origins');
  const corsOrigins = corsRaw === undefined ? '*' : origins(corsRaw[0], corsRaw[1]);
  const credRaw = get('cors-credentials');
  const limitRaw = get('body-limit');
  const auth: AuthOptions = {
    ...authFromSettings(get),
    ...(get('auth-exempt-health') === undefined ? {} : { exemptHealth: flag('auth-exempt-health') }),
  };
  const config: Config = {
    port: num('port', DEFAULT_PORT, 0, 65535),
    host: get('host')?.[1] ?? '0.0.0.0',
    fixtures: get('fixtures')?.[1],
    cors: {
      origins: corsOrigins,
      credentials: credRaw === undefined ? corsOrigins !== '*' : bool(credRaw[0], credRaw[1]),
    },
    bodyLimit: limitRaw === undefined ? DEFAULTS.bodyLimit : bodyLimit(limitRaw[0], limitRaw[1]),
    defaultMaxDataPoints: num('default-max-data-points', DEFAULTS.defaultMaxDataPoints, 1, 1_000_000),
    maxDataPointsCeiling: num('max-data-points', DEFAULTS.maxDataPointsCeiling, 1, 1_000_000),
    maxPatternLength: num('max-pattern-length', DEFAULTS.maxPatternLength, 1, 10_000),
    maxTargets: num('max-targets', DEFAULTS.maxTargets, 1, 1000),
    maxInFlight: num('max-in-flight', DEFAULTS.maxInFlight, 0, 100_000),
    requestTimeout: millis(get('request-timeout'), DEFAULTS.requestTimeout, 3_600_000),
    shutdownTimeout: millis(get('shutdown-timeout'), DEFAULT_SHUTDOWN_TIMEOUT, 600_000),
    auth,
    logLevel: logLevel(get('log-level')),
    watch: get('watch') === undefined ? false : flag('watch'),
    workers: num('workers', 1, 1, 64),
    control: controlFromSettings(get, auth),
    ui: get('ui') === undefined ? true : flag('ui'),
  };
  if (config.defaultMaxDataPoints > config.maxDataPointsCeiling) {
    throw new ConfigError(
      `default max data points (${config.defaultMaxDataPoints}) is above the ceiling (${config.maxDataPointsCeiling})`,
    );
  }
  return { kind: 'serve', config };
}
