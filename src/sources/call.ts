/**
 * Calling a reader: its answer, or a coded error naming the metric. The call settles as soon as the
 * request's signal fires, whatever the reader does with it: a reader that never resolves cannot hold the
 * answer past the request timeout.
 */
import { AppError, SourceError } from '../errors';

/** The abort reason of a request whose timeout ran out (http/limits.ts). */
export class RequestTimeout extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`request timed out after ${ms} ms`);
    this.name = 'RequestTimeout';
    this.ms = ms;
  }
}

/** The abort reason of a request whose client went away. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGone';
  }
}

/** Whether an error only says the request was abandoned by its client (nobody to answer, nothing to log). */
export function isClientGone(error: unknown): boolean {
  return error instanceof SourceError && error.cause instanceof ClientGone;
}

/** What a source's errors name: `metric "x"`, `annotation set "deploys"`, `provider "plant"`. */
export type Subject = 'metric' | 'annotation set' | 'provider';

function aborted(metric: string, reason: unknown, subject: Subject): SourceError {
  const name = `${subject} ${JSON.stringify(metric)}`;
  if (reason instanceof RequestTimeout) {
    return new SourceError(
      'SOURCE_TIMEOUT',
      metric,
      `${name}: no answer within the request timeout of ${reason.ms} ms`,
      reason,
    );
  }
  return new SourceError('SOURCE_FAILED', metric, `${name}: the request was aborted`, reason);
}

/**
 * A thrown value as the target's error: an AppError keeps its code and status, with the metric named
 * first; anything else is SOURCE_FAILED, its text kept out of the answer (it is logged with the cause).
 */
export function sourceError(
  metric: string,
  error: unknown,
  describe?: string,
  subject: Subject = 'metric',
): SourceError {
  if (error instanceof SourceError && error.metric === metric) return error;
  const name = `${subject} ${JSON.stringify(metric)}`;
  if (error instanceof AppError) {
    return new SourceError(error.code, metric, `${name}: ${error.message}`, error);
  }
  const what = describe ?? 'read()';
  const text = `${name}: ${what} failed (the cause is in the server log)`;
  return new SourceError('SOURCE_FAILED', metric, text, error);
}

/**
 * `read()` of `metric` under `signal`: its answer, or a SourceError (the reader's failure, a timeout, an
 * abort). A reader that throws synchronously is the same as one that rejects.
 */
export function callReader<T>(
  metric: string,
  signal: AbortSignal,
  read: () => Promise<T>,
  describe?: string,
  subject: Subject = 'metric',
): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(metric, signal.reason, subject));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted(metric, signal.reason, subject));
    signal.addEventListener('abort', onAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(read());
    } catch (error) {
      pending = Promise.reject(error as Error);
    }
    pending.then(
      (answer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(answer);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(
          signal.aborted
            ? aborted(metric, signal.reason, subject)
            : sourceError(metric, error, describe, subject),
        );
      },
    );
  });
}
