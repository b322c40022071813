import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import type { Logger } from './options';

/** pino's levels, most to least verbose last; `silent` logs nothing (tests). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The server's structured log: one JSON object per line on stdout (or `destination`), with pino's `time`
 * (epoch ms) and `level`. Nothing is logged that the caller did not put in the fields: the request line
 * (src/http/request-log.ts) carries no headers or bodies, so no `Authorization`. As a second guard, any
 * field named like a credential is replaced with `[redacted]`.
 */
export function createPino(level: LogLevel, destination?: DestinationStream): Pino {
  const options = {
    level,
    // pid tells the workers of `--workers N` apart; the host name is the container's, of little use.
    base: { name: 'simplejson-server', pid: process.pid },
    redact: {
      paths: ['authorization', 'password', 'token', '*.authorization', '*.password', '*.token'],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Adapts a pino logger to the server's Logger interface (errors go under `err`, so pino serialises them). */
export function pinoLogger(log: Pino): Logger {
  return {
    error: (message, error) => {
      if (error === undefined) log.error(message);
      else log.error({ err: error }, message);
    },
    warn: (message, fields) => log.warn(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
  };
}
