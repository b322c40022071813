/**
 * The worker process behind one SQLite connection (src/sql/sqlite.ts): better-sqlite3 is synchronous, so
 * its statements run here, off the server's event loop. A statement past its timeout is stopped by
 * killing the process: a worker thread cannot be stopped while SQLite computes one step (terminate()
 * waits for native code, and a `SELECT count(*)` over a huge CTE is a single step). One statement at a
 * time; messages are plain values over the IPC channel (structured clone). A result goes back by column
 * (columnar.ts), typed and normalised here (sqlite-values.ts), so the server gets typed arrays and
 * dictionaries instead of an array per row.
 */
import Sqlite from 'better-sqlite3';
import { sqliteColumn } from './sqlite-values';
import type { ColumnValues, ResultColumn } from './types';

export interface WorkerData {
  readonly file: string;
  readonly readOnly: boolean;
}

export interface WorkerJob {
  readonly id: number;
  readonly text: string;
  readonly params: ReadonlyArray<string | number | boolean | null>;
  readonly maxRows: number;
}

export type WorkerAnswer =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'columns';
      readonly id: number;
      readonly columns: ResultColumn[];
      /** One per column, each `length` rows long. */
      readonly values: ColumnValues[];
      readonly length: number;
    }
  | { readonly kind: 'too-many'; readonly id: number }
  | { readonly kind: 'refused'; readonly id: number; readonly message: string }
  | { readonly kind: 'unavailable'; readonly message: string };

function post(answer: WorkerAnswer): void {
  process.send?.(answer);
}

function open(data: WorkerData): Sqlite.Database | undefined {
  try {
    const db = new Sqlite(data.file, { readonly: data.readOnly, fileMustExist: true });
    // A write from another process holds the lock briefly; wait for it rather than fail at once.
    db.pragma('busy_timeout = 1000');
    return db;
  } catch (err) {
    post({ kind: 'unavailable', message: (err as Error).message });
    return undefined;
  }
}

function run(db: Sqlite.Database, job: WorkerJob): WorkerAnswer {
  // better-sqlite3 binds no booleans: SQLite has none, 1 and 0 are its true and false.
  const params = job.params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
  try {
    const statement = db.prepare(job.text);
    if (!statement.reader) {
      statement.run(...params);
      return { kind: 'columns', id: job.id, columns: [], values: [], length: 0 };
    }
    statement.raw(true);
    const declared = statement.columns();
    const cells: unknown[][] = declared.map(() => []);
    let length = 0;
    // iterate() steps one row at a time: past the cap the rest is never read.
    for (const row of statement.iterate(...params) as IterableIterator<unknown[]>) {
      if (length >= job.maxRows) return { kind: 'too-many', id: job.id };
      for (let j = 0; j < cells.length; j++) (cells[j] as unknown[]).push(row[j]);
      length += 1;
    }
    const packed = declared.map((column, j) => sqliteColumn(column.type, cells[j] as unknown[]));
    return {
      kind: 'columns',
      id: job.id,
      columns: declared.map((column, j) => ({
        name: column.name,
        type: (packed[j] as { type: ResultColumn['type'] }).type,
      })),
      values: packed.map((p) => p.values),
      length,
    };
  } catch (err) {
    return { kind: 'refused', id: job.id, message: (err as Error).message };
  }
}

// The settings come as JSON in the last argument (src/sql/sqlite.ts spawns this file).
const settings = process.argv[process.argv.length - 1];
if (process.send !== undefined && settings !== undefined && settings.startsWith('{')) {
  // The server went away: so does its connection.
  process.on('disconnect', () => process.exit(0));
  const db = open(JSON.parse(settings) as WorkerData);
  if (db !== undefined) {
    process.on('message', (job: WorkerJob) => post(run(db, job)));
    post({ kind: 'ready' });
  }
}
