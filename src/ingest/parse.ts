/**
 * The body of POST /write, read by the parser its content type names:
 *
 * | Content-Type                                   | Body                                                   |
 * | ---------------------------------------------- | ------------------------------------------------------ |
 * | `text/plain`, none                             | InfluxDB line protocol (`?precision=`, default `ns`)   |
 * | `application/x-www-form-urlencoded` (curl -d)  | JSON if it starts with `{` or `[`, else line protocol  |
 * | `application/json`, `…+json`                   | JSON points (src/ingest/json-points.ts)                |
 * | `text/csv`                                     | CSV points (`?metric=` for a header without `metric`)  |
 *
 * Anything else is UNSUPPORTED_MEDIA_TYPE. A parameter the chosen format does not read (`precision` for JSON
 * or CSV, whose times are ms or ISO 8601; `metric` outside CSV) is refused rather than ignored.
 */
import { AppError, WriteError } from '../errors';
import { describeValue } from '../time/describe';
import { parseCsvPoints } from './csv-points';
import { parseJsonPoints } from './json-points';
import { isPrecision, type LineProtocolBatch, parseLineProtocol, PRECISIONS } from './line-protocol';

/** The query parameters of /write that shape parsing (others, such as `db`, are the route's). */
export interface WriteQuery {
  readonly precision?: string | undefined;
  readonly metric?: string | undefined;
}

/** A parsed write: the batch, and the string fields skipped (line protocol only; 0 otherwise). */
export type WriteBatch = LineProtocolBatch;

export type WriteFormat = 'line protocol' | 'json' | 'csv';

/** Which parser reads `body` sent with `contentType`; throws UNSUPPORTED_MEDIA_TYPE for other types. */
export function writeFormat(body: string, contentType: string | undefined): WriteFormat {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === 'text/plain') return 'line protocol';
  if (type === 'application/x-www-form-urlencoded') return /^\s*[[{]/.test(body) ? 'json' : 'line protocol';
  if (type === 'application/json' || /^application\/[^/]+\+json$/.test(type)) return 'json';
  if (type === 'text/csv') return 'csv';
  throw new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `content type ${describeValue(type)} is not supported by /write: send text/plain (InfluxDB line protocol), ` +
      'application/json or text/csv',
    { field: 'headers/content-type' },
  );
}

/** Parses a /write body whole (nothing of a bad body is kept); `now` is the time of points without one. */
export function parseWrite(
  body: string,
  contentType: string | undefined,
  query: WriteQuery,
  now: number,
): WriteBatch {
  const format = writeFormat(body, contentType);
  if (query.precision !== undefined && format !== 'line protocol') {
    throw new WriteError(
      `the precision parameter applies to line protocol only; ${format} times are epoch ms or ISO 8601`,
      'query/precision',
    );
  }
  if (query.metric !== undefined && format !== 'csv') {
    throw new WriteError(`the metric parameter applies to text/csv only, not to ${format}`, 'query/metric');
  }
  switch (format) {
    case 'line protocol': {
      const precision = query.precision ?? 'ns';
      if (!isPrecision(precision)) {
        throw new WriteError(
          `precision ${describeValue(precision)} is not one of ${PRECISIONS.join(', ')}`,
          'query/precision',
        );
      }
      return parseLineProtocol(body, { precision, now });
    }
    case 'json':
      return { ...parseJsonPoints(readJson(body), { now }), skippedStrings: 0 };
    case 'csv':
      return { ...parseCsvPoints(body, { now, metric: query.metric }), skippedStrings: 0 };
  }
}

function readJson(body: string): unknown {
  try {
    return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch (err) {
    throw new AppError('BAD_JSON', `body is not valid JSON: ${(err as Error).message}`, {
      field: 'body',
      cause: err,
    });
  }
}
