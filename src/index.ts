/** The library entry point: everything a test harness or a host app needs. */
export { type CreateAppOptions, createApp } from './process/app';
export {
  AppError,
  ConfigError,
  DatabaseQueryError,
  DatabaseTimeoutError,
  DatabaseUnavailableError,
  ERROR_CODES,
  type ErrorCode,
  FixtureError,
  PatternError,
  RowLimitError,
  SourceError,
  TimeParseError,
  UnknownMetricError,
  ValidationError,
} from './errors';
export * from './fixtures';
export { createPino, type LogLevel, pinoLogger } from './process/logging';
export type { AppOptions, AuthOptions, CorsOptions, Logger } from './http/options';
export { Registry } from './registry/registry';
export type * from './sources/types';
export { DEFAULT_PROVIDER_TTL_MS } from './sources/providers';
export type * from './registry/types';
export type { ReloadResult } from './process/reload';
export { createRouter, type RegistrySource } from './http/router';
export type { CloseResult } from './process/shutdown';
export { columnsFromPoints } from './series/columnar';
export { BUNDLED_FIXTURES, type RunningServer, type StartOptions, startServer } from './process/start';
export { type Clock, fixedClock, systemClock } from './time/clock';
