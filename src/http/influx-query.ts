/**
 * Telegraf's InfluxDB output sends `POST /query` with a form body `q=CREATE DATABASE "telegraf"` when it
 * starts (unless told `skip_database_creation = true`): the same path as Grafana's `/query`, whose JSON
 * parser refuses that body. This error handler sits right after the parser on `/query` and answers only
 * such a body, as InfluxDB v1 would: CREATE DATABASE succeeds (pushed points need no database), any other
 * InfluxQL statement is refused by name. Every other body error goes on to the JSON error answer.
 */
import type { ErrorRequestHandler } from 'express';
import { AppError } from '../errors';
import { sendError } from './errors';

/** body-parser's parse error keeps the raw body it could not read as JSON. */
function influxStatement(err: unknown): string | undefined {
  const { type, body } = (err ?? {}) as { type?: unknown; body?: unknown };
  if (type !== 'entity.parse.failed' || typeof body !== 'string' || !body.startsWith('q=')) return undefined;
  return new URLSearchParams(body).get('q') ?? undefined;
}

export const influxQueryStatement: ErrorRequestHandler = (err, _req, res, next) => {
  const statement = influxStatement(err);
  if (statement === undefined) return next(err);
  if (/^\s*CREATE\s+DATABASE\b/i.test(statement)) {
    res.status(200).json({ results: [{ statement_id: 0 }] });
    return;
  }
  sendError(
    res,
    new AppError(
      'INVALID_BODY',
      `InfluxQL is not served here, only CREATE DATABASE: ${statement.slice(0, 100)}`,
      {
        field: 'body/q',
      },
    ),
  );
};
