/** The library entry point: everything a test harness or a host app needs. */
export { type CreateAppOptions, createApp } from './app';
export {
  AppError,
  ConfigError,
  ERROR_CODES,
  type ErrorCode,
  FixtureError,
  PatternError,
  TimeParseError,
  UnknownMetricError,
  ValidationError,
} from './errors';
export { loadFixtureObject, loadFixtures } from './fixtures/load';
export { createPino, type LogLevel, pinoLogger } from './logging';
export type { AppOptions, AuthOptions, CorsOptions, Logger } from './options';
export { Registry } from './registry/registry';
export type * from './registry/types';
export type { ReloadResult } from './reload';
export { createRouter, type RegistrySource } from './router';
export type { CloseResult } from './shutdown';
export { columnsFromPoints } from './series/columnar';
export { BUNDLED_FIXTURES, type RunningServer, type StartOptions, startServer } from './start';
export { type Clock, fixedClock, systemClock } from './time/clock';
