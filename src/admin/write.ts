/**
 * `POST /write`: points pushed in InfluxDB v1's line protocol (what Telegraf's InfluxDB output and any
 * script with curl send), as JSON or as CSV (src/ingest/parse.ts). The batch is parsed and checked whole
 * before anything is stored; 204 once it is stored (committed to the data directory when there is one).
 * Errors keep the server's JSON shape with `error` as InfluxDB's text, which Telegraf prints.
 */
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors';
import { errorHandler } from '../http/errors';
import type { Logger } from '../http/options';
import { type ControlTokens, writeGuard } from './auth';
import type { AdminControl } from './control';

/** The largest body `/write` reads (after gzip): 20 000 Telegraf lines are about 2 MB. */
export const WRITE_BODY_LIMIT = '32mb';

function sendWriteError(res: Response, error: AppError): void {
  const body: Record<string, unknown> = { message: error.message, code: error.code, error: error.message };
  if (error.field !== undefined) body.field = error.field;
  res.status(error.statusCode).json(body);
}

function query(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function writeHandlers(
  control: AdminControl,
  tokens: ControlTokens,
  logger: Logger,
): Array<RequestHandler | ErrorRequestHandler> {
  return [
    writeGuard(tokens, sendWriteError),
    // Any content type as bytes; `inflate` decodes Content-Encoding gzip/deflate (Telegraf's default is gzip).
    express.raw({ type: () => true, limit: WRITE_BODY_LIMIT, inflate: true }),
    async (req: Request, res: Response) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await control.write({
        body: bytes.toString('utf8'),
        contentType: req.headers['content-type'],
        precision: query(req, 'precision'),
        metric: query(req, 'metric'),
      });
      res.status(204).end();
    },
    errorHandler(logger, sendWriteError),
  ];
}
