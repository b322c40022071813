import type { Request, RequestHandler, Response } from 'express';
import { AppError, ValidationError } from '../errors';
import { ClientGone, RequestTimeout } from '../sources/call';
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
  return (
    req.method === 'OPTIONS' ||
    ((req.method === 'GET' || req.method === 'HEAD') && (req.path === '/' || req.path === '/healthz'))
  );
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

/** A request's timeout, armed by requestTimeout: the handler's work to abort once it has started. */
interface Deadline {
  readonly ms: number;
  controller: AbortController | undefined;
}

/**
 * Where a request's deadline is kept: in its `res.locals` (a dictionary Express makes for every request),
 * not in a WeakMap (an entry per request for the garbage collector to trace) nor on the response itself
 * (a new shape per request: see done.ts).
 */
const DEADLINE = Symbol('request deadline');

type Locals = Record<symbol, Deadline | undefined>;

/**
 * Bounds a request to `ms` from when it reached the router. While the body is still arriving (it trickles
 * in), the answer is 408 TIMEOUT with `Connection: close`. Once a handler has taken a signal
 * (requestSignal) the timer aborts that handler's work instead, and the handler answers: the targets
 * still waiting for a source get SOURCE_TIMEOUT (504 when nothing else was answered). Once the answer has
 * started it does nothing: Node's socket timeouts apply. A request without a body (GET, HEAD, OPTIONS, or
 * no Content-Length and no chunked body) arms no timer: every endpoint that reads a source takes a body.
 * Returns undefined when `ms` is 0.
 */
export function requestTimeout(ms: number): RequestHandler | undefined {
  if (ms <= 0) return undefined;
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const deadline: Deadline = { ms, controller: undefined };
    (res.locals as Locals)[DEADLINE] = deadline;
    const timer = setTimeout(() => {
      if (deadline.controller !== undefined) {
        deadline.controller.abort(new RequestTimeout(ms));
        return;
      }
      if (res.headersSent) return;
      res.setHeader('Connection', 'close'); // the rest of the body may still be on its way
      sendError(res, new AppError('TIMEOUT', `request not complete after ${ms} ms (body sent too slowly?)`));
    }, ms);
    onResponseDone(res, () => clearTimeout(timer));
    next();
  };
}

/**
 * The signal of a handler's work that may reach a source: it fires when the request timeout runs out
 * (reason RequestTimeout) or when the response is over, which before an answer means the client went away
 * (reason ClientGone). Call it only on paths that reach a reader: it costs a controller and a callback.
 */
export function requestSignal(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  if (res.headersSent) {
    controller.abort(new ClientGone()); // already answered (a 408 while the body arrived): do no work
    return controller.signal;
  }
  const deadline = (res.locals as Locals | undefined)?.[DEADLINE];
  if (deadline !== undefined) deadline.controller = controller;
  // Only an unsent answer means the client went away; after a sent one nothing is left to stop (and an
  // Error per request, with its stack, is not free).
  onResponseDone(res, () => {
    if (!res.writableFinished) controller.abort(new ClientGone());
  });
  return controller.signal;
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
