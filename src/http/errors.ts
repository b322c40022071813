import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, type ErrorCode } from '../errors';
import type { Logger } from './options';

/** The one JSON error shape. Grafana shows `message`; simpod's connection test also reads `error.code/message`. */
export interface ErrorBody {
  message: string;
  code: ErrorCode;
  error: { code: ErrorCode; message: string };
  field?: string;
}

export function sendError(res: Response, error: AppError): void {
  const body: ErrorBody = {
    message: error.message,
    code: error.code,
    error: { code: error.code, message: error.message },
  };
  if (error.field !== undefined) body.field = error.field;
  res.status(error.statusCode).json(body);
}

/**
 * The errors body-parser raises carry a `type`; map each to a coded error that says what was wrong. A body
 * whose Content-Encoding does not decode (a corrupt gzip, deflate or brotli stream) comes as zlib's own
 * error, with a `Z_…` or brotli `ERR__ERROR…` code.
 */
function fromBodyParser(err: {
  type?: unknown;
  message?: unknown;
  limit?: unknown;
  code?: unknown;
}): AppError | undefined {
  if (typeof err.code === 'string' && /^(?:Z_|ERR__ERROR)/.test(err.code)) {
    return new AppError(
      'INVALID_BODY',
      `body could not be decompressed as its Content-Encoding says: ${String(err.message)}`,
      { field: 'body' },
    );
  }
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('BAD_JSON', `body is not valid JSON: ${String(err.message)}`, { field: 'body' });
    case 'entity.too.large':
      return new AppError(
        'PAYLOAD_TOO_LARGE',
        `body is larger than the limit of ${String(err.limit)} bytes`,
        {
          field: 'body',
        },
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `body encoding is not supported: ${String(err.message)}`,
        {
          field: 'body',
        },
      );
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new AppError('BAD_JSON', `body could not be read: ${String(err.message)}`, { field: 'body' });
    default:
      return undefined;
  }
}

/**
 * Last middleware: every error becomes the JSON shape; unexpected ones are logged once and answered 500.
 * `send` writes the answer (a dialect with its own error shape, like `/write`, passes its own).
 */
export function errorHandler(
  logger: Logger,
  send: (res: Response, error: AppError) => void = sendError,
): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Already answered in full (a 408 TIMEOUT while the body was still arriving): the late error of the
      // body reader or the handler has no one left to tell.
      if (res.writableEnded) return;
      next(err);
      return;
    }
    if (err instanceof AppError) {
      send(res, err);
      return;
    }
    // The router could not percent-decode a path parameter (`/admin/metrics/%ZZ`).
    if (err instanceof URIError) {
      send(
        res,
        new AppError('INVALID_PATH', `the path is not valid percent-encoding: ${req.path}`, {
          field: 'path',
        }),
      );
      return;
    }
    const mapped = typeof err === 'object' && err !== null ? fromBodyParser(err) : undefined;
    if (mapped !== undefined) {
      send(res, mapped);
      return;
    }
    logger.error(`unexpected error on ${req.method} ${req.path}`, err);
    send(res, new AppError('INTERNAL', 'internal server error'));
  };
}

export const notFound: RequestHandler = (req, res) => {
  sendError(res, new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/** For a known path with the wrong method (GET /query): 405 with the Allow header. */
export function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    res.setHeader('Allow', allow);
    sendError(
      res,
      new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; use ${allow}`),
    );
  };
}
