/**
 * The error hierarchy. Every error the server answers with is an AppError: a stable `code`,
 * an HTTP status and a message that names the offending input (Grafana shows `message` on the panel).
 * This file imports nothing, so every layer (series, time, registry, http) may throw these.
 */

/** Every code the server can answer with; docs/errors.md has one row per code (a test keeps them in step). */
export const ERROR_CODES = {
  BAD_JSON: 400,
  INVALID_BODY: 400,
  INVALID_TIME: 400,
  INVALID_RANGE: 400,
  INVALID_PATTERN: 400,
  UNKNOWN_METRIC: 400,
  INVALID_PAYLOAD: 400,
  INVALID_VARIABLE_QUERY: 400,
  UNAUTHORIZED: 401,
  TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
  OVERLOADED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  /** Where in the request body the problem is, as a JSON pointer-ish path such as `body/targets/0/target`. */
  readonly field?: string;
  readonly cause?: unknown;
}

/** Base class: coded, carries its HTTP status and (optionally) the offending field. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = ERROR_CODES[code];
    this.field = options.field;
  }
}

/** The request body does not match its schema (or is not an object). */
export class ValidationError extends AppError {
  constructor(message: string, field?: string) {
    super('INVALID_BODY', message, field === undefined ? {} : { field });
  }
}

/** A time value that cannot be parsed (`range.from`, a fixture timestamp, a duration). */
export class TimeParseError extends AppError {
  constructor(message: string, field?: string) {
    super('INVALID_TIME', message, field === undefined ? {} : { field });
  }
}

/** A regex (target, ad hoc filter) that is too long or does not compile on the linear-time engine. */
export class PatternError extends AppError {
  constructor(message: string, field?: string) {
    super('INVALID_PATTERN', message, field === undefined ? {} : { field });
  }
}

/** No metric answers a target. `field` is where the target came from (`body/metric` for /metrics calls). */
export class UnknownMetricError extends AppError {
  readonly target: string;
  constructor(target: string, message = `unknown metric ${JSON.stringify(target)}`, field = 'body/targets') {
    super('UNKNOWN_METRIC', message, { field });
    this.target = target;
  }
}

/** A per-query payload value the server cannot use (an unknown aggregation, a select value not offered). */
export class PayloadError extends AppError {
  constructor(message: string, field: string) {
    super('INVALID_PAYLOAD', message, { field });
  }
}

/** A template-variable query (`label_values(City)`) that does not parse or names what does not exist. */
export class VariableQueryError extends AppError {
  constructor(message: string, field: string) {
    super('INVALID_VARIABLE_QUERY', message, { field });
  }
}

/**
 * A fixture file or programmatic metric definition is wrong. Thrown at load time, never on a request:
 * it names the file and the field so the operator can fix it.
 */
export class FixtureError extends Error {
  readonly file: string | undefined;
  readonly field: string | undefined;
  constructor(message: string, where: { file?: string; field?: string; cause?: unknown } = {}) {
    const prefix = [where.file, where.field].filter((s) => s !== undefined && s !== '').join(': ');
    super(
      prefix === '' ? message : `${prefix}: ${message}`,
      where.cause === undefined ? undefined : { cause: where.cause },
    );
    this.name = 'FixtureError';
    this.file = where.file;
    this.field = where.field;
  }
}

/** Bad configuration (env var or CLI flag): refused at start with a clear message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
