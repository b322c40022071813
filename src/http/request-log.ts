import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from '../process/options';

/** Longest path written to a log line: a hostile 1 MB URL must not become a 1 MB log line. */
const MAX_PATH = 200;

/**
 * One `request` line per request, written when the response ends (or the client goes away):
 * `{method, path, status, ms}` plus `aborted: true` when the connection closed before the answer was
 * sent. Only those fields are logged: never the body, the headers (so never `Authorization`) or the query
 * string (the path is cut at `?`). Installed only when the logger has `info`.
 */
export function requestLog(logger: Logger): RequestHandler | undefined {
  const info = logger.info?.bind(logger);
  if (info === undefined) return undefined;
  return (req, res, next) => {
    const start = performance.now();
    const url = req.originalUrl;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      info('request', {
        method: req.method,
        path: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path,
        status: res.statusCode,
        ms: Math.round((performance.now() - start) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}
