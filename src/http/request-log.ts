import { performance } from 'node:perf_hooks';
import type { RequestHandler, Response } from 'express';
import type { Logger, RequestLine } from './options';
import { onResponseDone } from './done';

/** Longest path written to a log line: a hostile 1 MB URL must not become a 1 MB log line. */
const MAX_PATH = 200;

/**
 * One `request` line per request, written when the response ends (or the client goes away):
 * `{method, path, status, ms}` plus `aborted: true` when the connection closed before the answer was
 * sent. Only those fields are logged: never the body, the headers (so never `Authorization`) or the query
 * string (the path is cut at `?`). Installed only when the logger has `info`.
 *
 * On the hot path: nothing is added to the response (done.ts says why) and the line is built only at
 * the end.
 */
export function requestLog(logger: Logger): RequestHandler | undefined {
  if (logger.info === undefined) return undefined;
  const info = logger.info;
  const write: (line: RequestLine) => void =
    logger.request === undefined
      ? (line) => info.call(logger, 'request', { ...line })
      : logger.request.bind(logger);
  function logRequest(res: Response, started: number): void {
    const ms = performance.now() - started;
    const req = res.req;
    const url = req.originalUrl;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const line: RequestLine = {
      method: req.method,
      path: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path,
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    };
    write(res.writableFinished ? line : { ...line, aborted: true });
  }
  return (_req, res, next) => {
    const started = performance.now();
    onResponseDone(res, () => logRequest(res, started));
    next();
  };
}
