import type { FaultTable } from '../runtime/faults';
import type { RequestJournal } from '../runtime/journal';
import type { Clock } from '../time/clock';
import { systemClock } from '../time/clock';
import type { UiOptions } from '../ui/types';

/** Who may call from a browser (Grafana's "Browser" access mode). */
export interface CorsOptions {
  /** `'*'` (any origin) or the exact origins allowed, e.g. `https://grafana.example.com`. */
  readonly origins: '*' | readonly string[];
  /**
   * Send `Access-Control-Allow-Credentials: true` and echo the caller's Origin (needed when the data
   * source has "With Credentials" on). Defaults to true for an explicit origin list, false for `'*'`.
   */
  readonly credentials?: boolean;
}

/**
 * Where the server reports. `error` gets the errors it did not expect (once each, with their cause);
 * the optional `info`/`warn` get routine events with their fields: one line per request, start, stop,
 * fixture reloads. Without `info` no request is logged. src/process/logging.ts adapts a pino logger to this.
 */
export interface Logger {
  error(message: string, error?: unknown): void;
  warn?(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info?(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /**
   * The per-request line, at info level, when the logger has a cheaper way to write it than `info`: its
   * fields are fixed (RequestLine), so an adapter may skip any credential scan or generic serialisation.
   * Without it the line goes through `info('request', fields)`.
   */
  request?(line: RequestLine): void;
}

/** The fields of the per-request log line (src/http/request-log.ts), and only those. */
export interface RequestLine {
  /** As Node's HTTP parser read it: an HTTP token, never quoted. */
  readonly method: string;
  /** Without the query string, cut at 200 characters. */
  readonly path: string;
  readonly status: number;
  /** Milliseconds from arrival to the end of the answer, to 0.1 ms. */
  readonly ms: number;
  /** Present (true) when the client went away before the answer was sent. */
  readonly aborted?: true;
}

/**
 * Who may call (off when empty). Basic credentials and bearer tokens may both be set: either one is
 * accepted. Compared in constant time; never logged. See src/http/auth.ts.
 */
export interface AuthOptions {
  /** HTTP basic auth, as Grafana's data source "Basic auth" sends it. */
  readonly basic?: { readonly user: string; readonly password: string };
  /** Accepted `Authorization: Bearer <token>` values (several allow a rotation without downtime). */
  readonly bearerTokens?: readonly string[];
  /**
   * Answer `GET /` and `HEAD /` without credentials, for probes that cannot send any. A request that does
   * send credentials is still checked, so Grafana's "Save & test" with a wrong password still fails.
   * Default false.
   */
  readonly exemptHealth?: boolean;
}

export interface AppOptions {
  /** The time source for `now` in relative ranges and fixture times. Default: the system clock. */
  readonly clock?: Clock;
  readonly cors?: CorsOptions;
  /** Largest accepted request body, in bytes or as `100kb`/`1mb`. Default `1mb`. */
  readonly bodyLimit?: number | string;
  /** Points per series when a request has no maxDataPoints. Default 1000. */
  readonly defaultMaxDataPoints?: number;
  /** No series ever has more points than this, whatever the request asks. Default 10000. */
  readonly maxDataPointsCeiling?: number;
  /** Longest regex accepted in a target, filter or annotation query. Default 256. */
  readonly maxPatternLength?: number;
  /** Most targets in one `/query` (400 INVALID_BODY above). Default 100, at most 1000 (the schema's cap). */
  readonly maxTargets?: number;
  /**
   * Most requests in flight at once; more get 503 OVERLOADED with `Retry-After` at once instead of
   * queueing. OPTIONS and `GET /` are not counted. 0 turns the limit off. Default 256.
   */
  readonly maxInFlight?: number;
  /**
   * Milliseconds a request may take before it is answered 408 TIMEOUT; in practice this bounds clients
   * that send their body slowly (handlers are synchronous). 0 turns it off. Default 10000.
   */
  readonly requestTimeout?: number;
  readonly auth?: AuthOptions;
  readonly logger?: Logger;
  /**
   * Records every request of the contract (method, path, query, headers with credentials redacted, body,
   * status, time, the metrics each /query target resolved to): src/runtime/journal.ts. Off when absent,
   * and then the request path does nothing for it.
   */
  readonly journal?: RequestJournal;
  /**
   * Fault rules to make endpoints or metrics slow, failing or cut off (src/runtime/faults.ts). Off when
   * absent; with an empty table each request pays one size check.
   */
  readonly faults?: FaultTable;
  /**
   * The explorer page at `ui/` under the contract (src/ui, docs/ui.md): true (the default), false (404),
   * or its options (what the health view says was loaded).
   */
  readonly ui?: boolean | UiOptions;
}

/** The options with their defaults; the journal and the fault table stay absent unless given. */
export type ResolvedOptions = Required<Omit<AppOptions, 'cors' | 'journal' | 'faults'>> & {
  readonly cors: Required<CorsOptions>;
  readonly journal?: RequestJournal;
  readonly faults?: FaultTable;
};

export const DEFAULTS = {
  bodyLimit: '1mb',
  defaultMaxDataPoints: 1000,
  maxDataPointsCeiling: 10_000,
  maxPatternLength: 256,
  maxTargets: 100,
  maxInFlight: 256,
  requestTimeout: 10_000,
} as const;

const consoleLogger: Logger = {
  error: (message, error) => console.error(message, error),
};

export function resolveOptions(options: AppOptions = {}): ResolvedOptions {
  const origins = options.cors?.origins ?? '*';
  return {
    clock: options.clock ?? systemClock,
    cors: { origins, credentials: options.cors?.credentials ?? origins !== '*' },
    bodyLimit: options.bodyLimit ?? DEFAULTS.bodyLimit,
    defaultMaxDataPoints: options.defaultMaxDataPoints ?? DEFAULTS.defaultMaxDataPoints,
    maxDataPointsCeiling: options.maxDataPointsCeiling ?? DEFAULTS.maxDataPointsCeiling,
    maxPatternLength: options.maxPatternLength ?? DEFAULTS.maxPatternLength,
    maxTargets: options.maxTargets ?? DEFAULTS.maxTargets,
    maxInFlight: options.maxInFlight ?? DEFAULTS.maxInFlight,
    requestTimeout: options.requestTimeout ?? DEFAULTS.requestTimeout,
    auth: options.auth ?? {},
    logger: options.logger ?? consoleLogger,
    ui: options.ui ?? true,
    ...(options.journal === undefined ? {} : { journal: options.journal }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  };
}
