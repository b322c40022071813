/** Helpers every driver uses to turn its errors into the SQL layer's, without leaking credentials. */
import { DatabaseTimeoutError, DatabaseUnavailableError } from '../errors';

/** System error codes of an unreachable host, whatever the driver. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** The error's message with every secret replaced by `***` (a driver may echo a URL or a setting). */
export function scrub(message: string, secrets: ReadonlyArray<string | undefined>): string {
  let text = message;
  for (const secret of secrets) {
    if (secret !== undefined && secret !== '') text = text.split(secret).join('***');
  }
  return text;
}

/** The message of a driver error, scrubbed; a system error without one answers its code. */
export function describeError(err: unknown, secrets: ReadonlyArray<string | undefined>): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const text = message !== '' ? message : typeof code === 'string' ? code : 'unknown error';
  return scrub(text, secrets);
}

export function abortedError(database: string): DatabaseTimeoutError {
  return new DatabaseTimeoutError(database, 'the request was aborted and the statement cancelled');
}

export function statementTimeoutError(database: string, ms: number, cause?: unknown): DatabaseTimeoutError {
  return new DatabaseTimeoutError(database, `the statement ran past ${ms} ms and was cancelled`, cause);
}

export function queueTimeoutError(database: string, ms: number): DatabaseTimeoutError {
  return new DatabaseTimeoutError(database, `no connection came free within ${ms} ms`);
}

export function unavailableError(
  database: string,
  err: unknown,
  secrets: ReadonlyArray<string | undefined>,
): DatabaseUnavailableError {
  return new DatabaseUnavailableError(database, describeError(err, secrets), err);
}

/** The promise, or the abort error if the signal fires first. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => reject(onAbort());
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(err);
      },
    );
  });
}
