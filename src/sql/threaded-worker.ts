/**
 * The thread behind one PostgreSQL or MySQL/MariaDB database (src/sql/threaded.ts): it holds the
 * driver's pool and runs the statements, and reading the rows off the wire (the drivers' parsing, which
 * for a big result is most of an answer's CPU) happens here, off the server's event loop. A result goes
 * back by column (columnar.ts): typed arrays move to the server without a copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors';
import { cellsOf, columnOf } from './columnar';
import type { DriverSettings } from './databases';
import { openMysql } from './mysql';
import { openPostgres } from './postgres';
import type { ColumnValues, Database, ResultColumn, ResultSet } from './types';

export interface ThreadData {
  readonly settings: DriverSettings;
  /** `[open, idle, waiting]` of the pool, written here after every change the thread sees. */
  readonly stats: SharedArrayBuffer;
}

export type ThreadJob =
  | {
      readonly kind: 'query';
      readonly id: number;
      readonly text: string;
      readonly params: ReadonlyArray<string | number | boolean | null>;
      readonly maxRows: number;
    }
  | { readonly kind: 'abort'; readonly id: number }
  | { readonly kind: 'close' };

/** An error as it crosses: the coded error's class, message and stack, and its cause's essentials. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause: { readonly name: string; readonly message: string; readonly code?: string } | undefined;
}

export type ThreadAnswer =
  | {
      readonly kind: 'rows';
      readonly id: number;
      readonly columns: readonly ResultColumn[];
      readonly values: readonly ColumnValues[];
      readonly length: number;
    }
  | { readonly kind: 'error'; readonly id: number; readonly error: WireError }
  | { readonly kind: 'closed' };

export function wireError(err: unknown): WireError {
  const error = err instanceof Error ? err : new Error(String(err));
  const cause = error.cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return {
    name: error instanceof AppError ? error.name : 'Error',
    message: error.message,
    stack: error.stack,
    cause:
      cause instanceof Error
        ? { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) }
        : undefined,
  };
}

/** The rows of a result as one packed column each. */
export function packColumns(result: ResultSet): { values: ColumnValues[]; buffers: ArrayBuffer[] } {
  const values = result.columns.map((_, j) => columnOf(cellsOf(result.rows, j)));
  const buffers: ArrayBuffer[] = [];
  for (const column of values) {
    if (column.kind === 'numbers') {
      buffers.push(column.values.buffer as ArrayBuffer);
      if (column.nulls !== undefined) buffers.push(column.nulls.buffer as ArrayBuffer);
    } else if (column.kind === 'strings') buffers.push(column.codes.buffer as ArrayBuffer);
  }
  return { values, buffers };
}

function serve(data: ThreadData): void {
  const port = parentPort;
  if (port === null) return;
  const { settings } = data;
  const db: Database = settings.dialect === 'postgres' ? openPostgres(settings) : openMysql(settings);
  const stats = new Int32Array(data.stats);
  const publish = (): void => {
    const now = db.stats();
    Atomics.store(stats, 0, now.open);
    Atomics.store(stats, 1, now.idle);
    Atomics.store(stats, 2, now.waiting);
  };
  // Idle connections close on the pool's own timer: the counts follow without a statement.
  setInterval(publish, 200).unref();
  const running = new Map<number, AbortController>();

  const run = async (job: Extract<ThreadJob, { kind: 'query' }>): Promise<void> => {
    const controller = new AbortController();
    running.set(job.id, controller);
    try {
      const result = await db.query(
        { text: job.text, params: job.params },
        { signal: controller.signal, maxRows: job.maxRows },
      );
      const { values, buffers } = packColumns(result);
      const answer: ThreadAnswer = {
        kind: 'rows',
        id: job.id,
        columns: result.columns,
        values,
        length: result.rows.length,
      };
      port.postMessage(answer, buffers);
    } catch (err) {
      port.postMessage({ kind: 'error', id: job.id, error: wireError(err) } satisfies ThreadAnswer);
    } finally {
      running.delete(job.id);
      publish();
    }
  };

  port.on('message', (job: ThreadJob) => {
    switch (job.kind) {
      case 'query':
        void run(job);
        publish();
        return;
      case 'abort':
        running.get(job.id)?.abort();
        return;
      case 'close':
        void db.close().finally(() => {
          publish();
          port.postMessage({ kind: 'closed' } satisfies ThreadAnswer);
        });
        return;
    }
  });
}

serve(workerData as ThreadData);
