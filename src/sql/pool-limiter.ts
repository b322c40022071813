/**
 * A per-database concurrency cap: at most `max` statements run at once; the others wait in order until a
 * slot frees, their request is aborted, or `waitMs` passes (then the caller's `onTimeout` error).
 */
import { abortedError, queueTimeoutError } from './driver-errors';

export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly fail: (error: Error) => void;
}

export class Limiter {
  readonly max: number;
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(max: number) {
    this.max = max;
  }

  /** Statements holding a slot. */
  get active(): number {
    return this.running;
  }

  /** Statements waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * A slot, released by calling the answer once (later calls do nothing). Rejects with
   * `onAbort()` if the signal aborts first, `onTimeout()` after `waitMs` without a slot.
   */
  acquire(
    signal: AbortSignal,
    waitMs: number,
    onTimeout: () => Error,
    onAbort: () => Error,
  ): Promise<Release> {
    if (signal.aborted) return Promise.reject(onAbort());
    if (this.running < this.max) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        const at = this.queue.indexOf(waiter);
        if (at !== -1) this.queue.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: (release) => {
          settle();
          resolve(release);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      const aborted = (): void => waiter.fail(onAbort());
      const timer = setTimeout(() => waiter.fail(onTimeout()), waitMs);
      signal.addEventListener('abort', aborted, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue[0];
      if (next === undefined) {
        this.running -= 1;
        return;
      }
      // The slot passes straight to the next waiter: `running` stays the same.
      next.grant(this.releaser());
    };
  }
}

/**
 * Runs `work` in one of `limiter`'s slots: waiting at most `queueTimeout` (then DATABASE_TIMEOUT) and
 * never past the request's abort, both errors naming the database. Every driver's `query` goes through it.
 */
export async function inSlot<T>(
  limiter: Limiter,
  database: { readonly name: string; readonly queueTimeout: number },
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  const release = await limiter.acquire(
    signal,
    database.queueTimeout,
    () => queueTimeoutError(database.name, database.queueTimeout),
    () => abortedError(database.name),
  );
  try {
    return await work();
  } finally {
    release();
  }
}
