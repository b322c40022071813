import { performance } from 'node:perf_hooks';
import type { RequestHandler, Response } from 'express';
import type { Logger } from './options';
import { onResponseDone } from './done';

/** Longest path written to a log line: a hostile 1 MB URL must not become a 1 MB log line. */
const MAX_PATH = 200;

/** When the request began (performance.now()), kept on the response for the one shared listener. */
const STARTED = Symbol('request-log started');

type TimedResponse = Response & { [STARTED]?: number };

/**
 * One `request` line per request, written when the response ends (or the client goes away):
 * `{method, path, status, ms}` plus `aborted: true` when the connection closed before the answer was
 * sent. Only those fields are logged: never the body, the headers (so never `Authorization`) or the query
 * string (the path is cut at `?`). Installed only when the logger has `info`.
 *
 * On the hot path: it shares the request's one `close` listener (done.ts), no closure per request, and
 * the line is built only then.
 */
export function requestLog(logger: Logger): RequestHandler | undefined {
  if (logger.info === undefined) return undefined;
  const write: (fields: Readonly<Record<string, unknown>>) => void =
    logger.request === undefined
      ? (logger.info.bind(logger, 'request') as (fields: Readonly<Record<string, unknown>>) => void)
      : logger.request.bind(logger);
  function logRequest(res: TimedResponse): void {
    const ms = performance.now() - (res[STARTED] ?? 0);
    const req = res.req;
    const url = req.originalUrl;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const fields = {
      method: req.method,
      path: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path,
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    };
    write(res.writableFinished ? fields : { ...fields, aborted: true });
  }
  return (_req, res, next) => {
    (res as TimedResponse)[STARTED] = performance.now();
    onResponseDone(res as TimedResponse, logRequest);
    next();
  };
}
