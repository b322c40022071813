/**
 * A PostgreSQL or MySQL/MariaDB database served from a thread of its own (threaded-worker.ts): the
 * driver's pool and its row parsing run there, so a large result does not hold up the server's other
 * requests, and on a machine with more than one core the parsing runs beside the server's own work.
 *
 * What is decided before a statement goes out stays here, on the server's side: the concurrency cap and
 * its queue (so `stats().waiting` is exact at once), the abort (answered at once; the thread then
 * cancels the statement in the database). If the thread stops, the statements in flight fail as
 * DATABASE_UNAVAILABLE and the next statement starts a new one.
 */
import { Worker } from 'node:worker_threads';
import {
  AppError,
  DatabaseQueryError,
  DatabaseTimeoutError,
  DatabaseUnavailableError,
  RowLimitError,
} from '../errors';
import { columnarResult } from './columnar';
import type { DriverSettings } from './databases';
import { abortedError } from './driver-errors';
import { SlottedDatabase } from './slotted';
import type { ThreadAnswer, ThreadData, ThreadJob, WireError } from './threaded-worker';
import type { Database, ResultSet, Statement } from './types';
import { FROM_SOURCE, sourceLoader, workerFile } from './worker-entry';

const WORKER_FILE = workerFile('threaded-worker');
/** How long close() waits for the thread to end its pool before stopping it. */
const CLOSE_WAIT_MS = 5000;

type Pending = { resolve: (result: ResultSet) => void; reject: (error: Error) => void };

/** The coded error a thread answered, as the class the driver threw there. */
export function reviveError(database: string, wire: WireError): AppError {
  const cause =
    wire.cause === undefined
      ? undefined
      : Object.assign(new Error(wire.cause.message), {
          name: wire.cause.name,
          ...(wire.cause.code === undefined ? {} : { code: wire.cause.code }),
        });
  let error: AppError;
  switch (wire.name) {
    case 'DatabaseTimeoutError':
      error = new DatabaseTimeoutError(database, '', cause);
      break;
    case 'DatabaseQueryError':
      error = new DatabaseQueryError(database, '', cause);
      break;
    case 'RowLimitError':
      error = new RowLimitError(database, 0);
      break;
    default:
      error = new DatabaseUnavailableError(database, '', cause);
  }
  // Each class builds its message from its parts; the thread's is already whole.
  error.message = wire.message;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

class Thread {
  readonly worker: Worker;
  readonly stats = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly pending = new Map<number, Pending>();
  dead = false;
  private nextId = 0;
  private closed: (() => void) | undefined;

  constructor(
    private readonly name: string,
    settings: DriverSettings,
  ) {
    const workerData: ThreadData = { settings, stats: this.stats.buffer as SharedArrayBuffer };
    this.worker = FROM_SOURCE
      ? new Worker(sourceLoader(WORKER_FILE), { eval: true, workerData })
      : new Worker(WORKER_FILE, { workerData });
    // An idle thread does not keep the server alive; a statement in flight does (see send).
    this.worker.unref();
    this.worker.on('message', (answer: ThreadAnswer) => this.answer(answer));
    this.worker.on('error', (err) => this.stop(err.message));
    this.worker.on('exit', (code) => {
      this.stop(`the database thread exited (code ${code})`);
      this.closed?.();
    });
  }

  send(statement: Statement, maxRows: number, signal: AbortSignal): Promise<ResultSet> {
    if (signal.aborted) return Promise.reject(abortedError(this.name));
    const id = this.nextId++;
    return new Promise<ResultSet>((resolve, reject) => {
      const aborted = (): void => {
        if (!this.pending.delete(id)) return;
        this.post({ kind: 'abort', id });
        this.settled();
        reject(abortedError(this.name));
      };
      signal.addEventListener('abort', aborted, { once: true });
      this.pending.set(id, {
        resolve: (result) => {
          signal.removeEventListener('abort', aborted);
          resolve(result);
        },
        reject: (error) => {
          signal.removeEventListener('abort', aborted);
          reject(error);
        },
      });
      if (this.pending.size === 1) this.worker.ref();
      this.post({ kind: 'query', id, text: statement.text, params: statement.params, maxRows });
    });
  }

  /** Asks the thread to end its pool; answers once it has, or after CLOSE_WAIT_MS. */
  async close(): Promise<void> {
    if (this.dead) return;
    const done = new Promise<void>((resolve) => (this.closed = resolve));
    this.worker.ref();
    this.post({ kind: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_WAIT_MS);
    await done;
    clearTimeout(timer);
  }

  private post(job: ThreadJob): void {
    this.worker.postMessage(job);
  }

  private answer(answer: ThreadAnswer): void {
    if (answer.kind === 'closed') {
      void this.worker.terminate();
      return;
    }
    const pending = this.pending.get(answer.id);
    if (pending === undefined) return; // aborted already
    this.pending.delete(answer.id);
    this.settled();
    if (answer.kind === 'rows') pending.resolve(columnarResult(answer.columns, answer.values, answer.length));
    else pending.reject(reviveError(this.name, answer.error));
  }

  private settled(): void {
    if (this.pending.size === 0 && !this.dead) this.worker.unref();
  }

  /** The thread is gone (or failing): what was in flight fails, the next statement starts a new one. */
  private stop(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.stats.fill(0);
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const pending of failed) pending.reject(new DatabaseUnavailableError(this.name, reason));
  }
}

class ThreadedDatabase extends SlottedDatabase implements Database {
  readonly dialect: Database['dialect'];
  private thread: Thread | undefined;
  private closed = false;

  constructor(settings: DriverSettings) {
    super(settings);
    this.dialect = settings.dialect;
  }

  protected execute(statement: Statement, cap: number, signal: AbortSignal): Promise<ResultSet> {
    if (this.closed) throw new DatabaseUnavailableError(this.name, 'the database is closed');
    return this.current().send(statement, cap, signal);
  }

  stats(): { open: number; idle: number; waiting: number } {
    const counts = this.thread?.stats;
    if (counts === undefined) return { open: 0, idle: 0, waiting: this.limiter.waiting };
    return {
      open: Atomics.load(counts, 0),
      idle: Atomics.load(counts, 1),
      waiting: this.limiter.waiting + Atomics.load(counts, 2),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = undefined;
    await thread?.close();
  }

  private current(): Thread {
    if (this.thread === undefined || this.thread.dead) this.thread = new Thread(this.name, this.settings);
    return this.thread;
  }
}

/** A PostgreSQL or MySQL/MariaDB database whose driver runs in a thread of its own. */
export function openThreaded(settings: DriverSettings): Database {
  if (settings.dialect === 'sqlite') throw new Error('SQLite runs in worker processes (sqlite.ts)');
  return new ThreadedDatabase(settings);
}
