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
  INVALID_WRITE: 400,
  INVALID_PATH: 400,
  INVALID_DOCUMENT: 400,
  TOO_MANY_ROWS: 422,
  TOO_MANY_SERIES: 422,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
  INJECTED_FAULT: 500,
  SOURCE_FAILED: 502,
  DATABASE_QUERY_FAILED: 502,
  OVERLOADED: 503,
  DATABASE_UNAVAILABLE: 503,
  STORAGE_FAILED: 503,
  SOURCE_TIMEOUT: 504,
  DATABASE_TIMEOUT: 504,
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
 * A source (a user function, a database) failed while reading `metric`: the target gets this as its
 * error, the request's other targets are still answered. `cause` is logged once, never sent.
 */
export class SourceError extends AppError {
  readonly metric: string;
  constructor(code: ErrorCode, metric: string, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.metric = metric;
  }
}

/** What names a database in its errors: `database "plant"`. */
function databaseText(database: string): string {
  return `database ${JSON.stringify(database)}`;
}

/** A declared database does not answer (connection refused, DNS, authentication, too many clients). */
export class DatabaseUnavailableError extends AppError {
  readonly database: string;
  constructor(database: string, detail: string, cause?: unknown) {
    super(
      'DATABASE_UNAVAILABLE',
      `${databaseText(database)} is unreachable: ${detail}`,
      cause === undefined ? {} : { cause },
    );
    this.database = database;
  }
}

/** A statement ran past its statement timeout (and was cancelled in the database), or no connection came free in time. */
export class DatabaseTimeoutError extends AppError {
  readonly database: string;
  constructor(database: string, detail: string, cause?: unknown) {
    super(
      'DATABASE_TIMEOUT',
      `${databaseText(database)} timed out: ${detail}`,
      cause === undefined ? {} : { cause },
    );
    this.database = database;
  }
}

/** The database refused the statement (a syntax error, an unknown column, a read-only violation). */
export class DatabaseQueryError extends AppError {
  readonly database: string;
  constructor(database: string, detail: string, cause?: unknown) {
    super(
      'DATABASE_QUERY_FAILED',
      `${databaseText(database)} refused the query: ${detail}`,
      cause === undefined ? {} : { cause },
    );
    this.database = database;
  }
}

/** A query answered more rows than the cap: the answer says how to aggregate instead. */
export class RowLimitError extends AppError {
  readonly database: string;
  constructor(database: string, maxRows: number) {
    super(
      'TOO_MANY_ROWS',
      `${databaseText(database)} answered more than ${maxRows} rows; aggregate in the query with $__timeGroup(column, $__interval) and GROUP BY, or raise the database's maxRows`,
    );
    this.database = database;
  }
}

/** A batch of pushed points (POST /write, the admin API) that does not parse; `field` names the line. */
export class WriteError extends AppError {
  constructor(message: string, field?: string) {
    super('INVALID_WRITE', message, field === undefined ? {} : { field });
  }
}

/**
 * An error a fault rule asked for (src/runtime/faults.ts): its status is the rule's (default 500), its
 * message the rule's, so a test can make a data source fail the way it wants to see it fail.
 */
export class InjectedFaultError extends AppError {
  override readonly statusCode: number;
  readonly fault: string;
  constructor(fault: string, status: number, message: string) {
    super('INJECTED_FAULT', message);
    this.statusCode = status;
    this.fault = fault;
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
