import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import { stdoutDestination } from './log-destination';
import type { Logger, RequestLine } from '../http/options';

/** pino's levels, most to least verbose last; `silent` logs nothing (tests). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The server's structured log: one JSON object per line on stdout (or `destination`), with pino's `time`
 * (epoch ms) and `level`. Stdout is written in 4 KiB chunks that never block and are flushed on exit
 * (src/process/log-destination.ts). Nothing is logged that the caller did not put in the fields: the request line
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
  const log = pino(options, destination ?? stdoutDestination());
  ours.add(log);
  return log;
}

/** The loggers createPino made: their options are known, so their request line can be written by hand. */
const ours = new WeakSet<Pino>();

/** pino's number for `info` in its default levels (createPino keeps them). */
const INFO = 30;

/**
 * The request line `log.info(line, 'request')` would write, built directly: the same bytes (level, time,
 * the logger's bindings, the fields in order, msg), as test/logging.test.ts checks against pino itself.
 * Only for loggers made by createPino, whose options (levels, formatters, message key, no mixin) are
 * known. The method is an HTTP token and the numbers are finite, so only the path needs JSON escaping.
 */
function requestLineWriter(log: Pino): ((line: RequestLine) => void) | undefined {
  if (!ours.has(log)) return undefined;
  const inside = log as unknown as Record<symbol, unknown>;
  const stream = inside[pino.symbols.streamSym] as DestinationStream;
  const bindings = inside[pino.symbols.chindingsSym] as string;
  const time = inside[pino.symbols.timeSym] as () => string;
  return (line) => {
    stream.write(
      `{"level":${INFO}${time()}${bindings},"method":"${line.method}","path":${JSON.stringify(line.path)},"status":${line.status},"ms":${line.ms}${line.aborted === true ? ',"aborted":true' : ''},"msg":"request"}\n`,
    );
  };
}

/**
 * Adapts a pino logger to the server's Logger interface (errors go under `err`, so pino serialises them).
 * `info` and `warn` are left out when the level is above them, so callers skip building their fields
 * and, without `info`, no request log is installed at all.
 */
export function pinoLogger(log: Pino): Logger {
  // The request line carries only the fields request-log.ts builds, never a credential, so it skips the
  // redaction pass (about 2.4 µs of the 3 µs pino spends on a line) and, for createPino's loggers, pino's
  // generic serialisation too (docs/benchmarks.md).
  const requests = log.isLevelEnabled('info')
    ? (requestLineWriter(log) ?? childWriter(log.child({}, { redact: { paths: [], censor: '[redacted]' } })))
    : undefined;
  return {
    error: (message, error) => {
      if (error === undefined) log.error(message);
      else log.error({ err: error }, message);
    },
    ...(log.isLevelEnabled('warn') ? { warn: (message, fields) => log.warn(fields ?? {}, message) } : {}),
    ...(log.isLevelEnabled('info') ? { info: (message, fields) => log.info(fields ?? {}, message) } : {}),
    ...(requests === undefined ? {} : { request: requests }),
  };
}

function childWriter(child: Pino): (line: RequestLine) => void {
  return (line) => child.info(line, 'request');
}
