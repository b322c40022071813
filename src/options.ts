import type { Clock } from './time/clock';
import { systemClock } from './time/clock';

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

/** Where errors the server did not expect are reported (once each, with their cause). */
export interface Logger {
  error(message: string, error?: unknown): void;
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
  readonly logger?: Logger;
}

export type ResolvedOptions = Required<Omit<AppOptions, 'cors'>> & { readonly cors: Required<CorsOptions> };

export const DEFAULTS = {
  bodyLimit: '1mb',
  defaultMaxDataPoints: 1000,
  maxDataPointsCeiling: 10_000,
  maxPatternLength: 256,
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
    logger: options.logger ?? consoleLogger,
  };
}
