/**
 * SQLite through better-sqlite3, in worker processes (src/sql/sqlite-worker.ts): the driver is
 * synchronous and would block the event loop, so each connection is a small process with its own
 * read-only handle; a statement past its timeout, or whose request is aborted, is stopped by killing its
 * process (the next statement gets a fresh one). Threads were the first choice, but a thread busy in
 * one SQLite step cannot be terminated.
 */
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { AppError, DatabaseQueryError, DatabaseUnavailableError, RowLimitError } from '../errors';
import type { DriverSettings } from './databases';
import { abortedError, statementTimeoutError } from './driver-errors';
import { columnarResult } from './columnar';
import { SlottedDatabase } from './slotted';
import type { WorkerAnswer, WorkerData, WorkerJob } from './sqlite-worker';
import type { Database, ResultSet, Statement } from './types';
import { FROM_SOURCE, sourceLoader, workerFile } from './worker-entry';

const WORKER_FILE = workerFile('sqlite-worker');

function spawn(data: WorkerData): ChildProcess {
  const settings = JSON.stringify(data);
  // The worker reads its settings from its last argument.
  const args = FROM_SOURCE ? ['-e', sourceLoader(WORKER_FILE), settings] : [WORKER_FILE, settings];
  return spawnProcess(process.execPath, args, {
    // IPC with structured clone: an answer's typed arrays (columnar.ts) cross as their bytes.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}

class Connection {
  readonly child: ChildProcess;
  /** Resolves once the handle is open; rejects with the open error (a missing file, say). */
  readonly ready: Promise<void>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  private pending: ((answer: WorkerAnswer) => void) | undefined;
  private failure: ((error: Error) => void) | undefined;
  private nextId = 0;
  dead = false;

  constructor(data: WorkerData, onExit: (connection: Connection) => void) {
    this.child = spawn(data);
    // Neither the process nor its channel keeps the server alive; a running statement's timer does.
    this.child.unref();
    this.child.channel?.unref();
    let exited: () => void = () => undefined;
    this.exited = new Promise<void>((resolve) => (exited = resolve));
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.on('message', (answer: WorkerAnswer) => {
        if (answer.kind === 'ready') resolve();
        else if (answer.kind === 'unavailable') reject(new Error(answer.message));
        else {
          const pending = this.pending;
          this.pending = undefined;
          this.failure = undefined;
          pending?.(answer);
        }
      });
      this.child.on('error', (err) => {
        reject(err);
        this.failure?.(err);
      });
      this.child.on('exit', () => {
        this.dead = true;
        reject(new Error('the worker process exited'));
        this.failure?.(new Error('the worker process exited'));
        onExit(this);
        exited();
      });
    });
    // The open error is reported by whoever awaits `ready`; never an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  run(job: Omit<WorkerJob, 'id'>): Promise<WorkerAnswer> {
    return new Promise<WorkerAnswer>((resolve, reject) => {
      this.pending = resolve;
      this.failure = reject;
      this.child.send({ ...job, id: this.nextId++ });
    });
  }

  /** Kills the process at once (SQLite may be deep in one step); answers when it is gone. */
  stop(): Promise<void> {
    this.dead = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

class SqliteDatabase extends SlottedDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private closed = false;

  stats(): { open: number; idle: number; waiting: number } {
    return { open: this.connections.size, idle: this.idle.length, waiting: this.limiter.waiting };
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections];
    this.connections.clear();
    this.idle.length = 0;
    await Promise.all(all.map((connection) => connection.stop()));
  }

  private take(): Connection {
    const idle = this.idle.pop();
    if (idle !== undefined && !idle.dead) return idle;
    const connection = new Connection(
      { file: this.settings.target, readOnly: this.settings.readOnly },
      (gone) => {
        this.connections.delete(gone);
        const at = this.idle.indexOf(gone);
        if (at !== -1) this.idle.splice(at, 1);
      },
    );
    this.connections.add(connection);
    return connection;
  }

  private giveBack(connection: Connection): void {
    if (connection.dead || this.closed) return;
    this.idle.push(connection);
  }

  protected async execute(statement: Statement, cap: number, signal: AbortSignal): Promise<ResultSet> {
    if (this.closed) throw new DatabaseUnavailableError(this.name, 'the database is closed');
    if (signal.aborted) throw abortedError(this.name);
    const connection = this.take();
    const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (error: AppError | undefined, value?: WorkerAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        if (error !== undefined) reject(error);
        else if (value !== undefined) resolve(value);
      };
      /** Stops the statement: its process is the only handle on it. */
      const kill = (error: AppError): void => {
        void connection.stop();
        finish(error);
      };
      const aborted = (): void => kill(abortedError(this.name));
      const unavailable = (err: unknown): void => {
        void connection.stop();
        finish(
          new DatabaseUnavailableError(this.name, err instanceof Error ? err.message : String(err), err),
        );
      };
      // A new process first opens the file (and, from src/, compiles its code): connectTimeout bounds that,
      // statementTimeout bounds the statement alone.
      let timer = setTimeout(
        () =>
          kill(
            new DatabaseUnavailableError(
              this.name,
              `the file did not open within ${this.settings.connectTimeout} ms`,
            ),
          ),
        this.settings.connectTimeout,
      );
      signal.addEventListener('abort', aborted, { once: true });
      connection.ready.then(() => {
        if (settled) return;
        clearTimeout(timer);
        timer = setTimeout(
          () => kill(statementTimeoutError(this.name, this.settings.statementTimeout)),
          this.settings.statementTimeout,
        );
        connection
          .run({ text: statement.text, params: statement.params, maxRows: cap })
          .then((value) => finish(undefined, value), unavailable);
      }, unavailable);
    });
    this.giveBack(connection);
    switch (answer.kind) {
      case 'columns':
        return columnarResult(answer.columns, answer.values, answer.length);
      case 'too-many':
        throw new RowLimitError(this.name, cap);
      case 'refused':
        throw new DatabaseQueryError(this.name, answer.message);
      default:
        throw new DatabaseUnavailableError(this.name, 'unexpected answer from the worker process');
    }
  }
}

export function openSqlite(settings: DriverSettings): Database {
  return new SqliteDatabase(settings);
}
