import type { Request, RequestHandler } from 'express';
import { AppError, ValidationError } from '../errors';
import { onResponseDone } from './done';
import { sendError } from './errors';

/** Seconds a client is told to wait after a 503 OVERLOADED: one request's worth, not a back-off policy. */
export const RETRY_AFTER_SECONDS = 1;

/** Whether a body may still be on its way: a Content-Length above 0 or a chunked Transfer-Encoding. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** `GET`/`HEAD /` (health and "Save & test") and every OPTIONS preflight: cheap, and never refused. */
function exempt(req: Request): boolean {
  return req.method === 'OPTIONS' || ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/');
}

/**
 * Caps the requests in flight (from arrival to the end of the response). The excess is answered at once
 * with 503 OVERLOADED and `Retry-After`, so a burst costs a short answer each instead of a pile of open
 * sockets and parsed bodies. The count belongs to this middleware instance (one per router, so one per
 * process). Returns undefined when `max` is 0 (no limit).
 */
export function inFlightLimit(max: number): RequestHandler | undefined {
  if (max <= 0) return undefined;
  let inFlight = 0;
  const release = (): void => {
    inFlight--;
  };
  return (req, res, next) => {
    if (exempt(req)) return next();
    if (inFlight >= max) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      sendError(
        res,
        new AppError(
          'OVERLOADED',
          `too many requests in flight (limit ${max}); retry after ${RETRY_AFTER_SECONDS} s`,
        ),
      );
      return;
    }
    inFlight++;
    onResponseDone(res, release);
    next();
  };
}

/**
 * Answers 408 TIMEOUT (with `Connection: close`) when a request has not been answered `ms` after it
 * reached the router. The handlers are synchronous, so the only time this can bound is the time spent
 * waiting for the client: a body that trickles in. It cannot interrupt a handler that is computing (the
 * query limits bound that). Once the answer has started it does nothing: Node's socket timeouts apply.
 * A request without a body (GET, HEAD, OPTIONS, or no Content-Length and no chunked body) is complete
 * when it reaches the router, so it arms no timer. Returns undefined when `ms` is 0.
 */
export function requestTimeout(ms: number): RequestHandler | undefined {
  if (ms <= 0) return undefined;
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.setHeader('Connection', 'close'); // the rest of the body may still be on its way
      sendError(res, new AppError('TIMEOUT', `request not complete after ${ms} ms (body sent too slowly?)`));
    }, ms);
    onResponseDone(res, () => clearTimeout(timer));
    next();
  };
}

/**
 * Refuses a `/query` with more than `max` targets before the schema walks them. Same code and wording as
 * the schema's own `maxItems` (1000, the hard cap), so clients see one kind of error whichever fires.
 */
export function maxTargets(max: number): RequestHandler {
  return (req, _res, next) => {
    const targets: unknown = (req.body as { targets?: unknown } | null | undefined)?.targets;
    if (Array.isArray(targets) && targets.length > max) {
      throw new ValidationError(`body/targets must NOT have more than ${max} items`, 'body/targets');
    }
    next();
  };
}
