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
import { cellsOf } from './columnar';
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

/** Prepared statements kept per text (a metric's text is fixed; request values are parameters). */
const CACHE_SIZE = 64;

interface Prepared {
  readonly statement: Sqlite.Statement;
  /**
   * The same statement as `SELECT * FROM (…) LIMIT ?`, read with all(): stepping row by row with iterate()
   * (for the cap) cost a third more than the statement itself. Undefined where the wrapper would not answer
   * the same columns (duplicate names, a PRAGMA, a trailing `;`) or does not bind: then iterate().
   */
  capped: Sqlite.Statement | undefined;
}

const cache = new Map<string, Prepared>();

function prepared(db: Sqlite.Database, text: string): Prepared {
  const hit = cache.get(text);
  if (hit !== undefined) {
    // Most recently used last: the first key is the one to drop.
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const statement = db.prepare(text);
  const entry: Prepared = { statement, capped: statement.reader ? cappedOf(db, statement, text) : undefined };
  cache.set(text, entry);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return entry;
}

function cappedOf(
  db: Sqlite.Database,
  statement: Sqlite.Statement,
  text: string,
): Sqlite.Statement | undefined {
  const names = statement.columns().map((column) => column.name);
  if (new Set(names).size !== names.length) return undefined;
  try {
    // On lines of their own: a trailing `-- comment` cannot swallow the closing parenthesis.
    const capped = db.prepare(`SELECT * FROM (\n${text}\n) LIMIT ?`).raw(true);
    const columns = capped.columns();
    const same = columns.length === names.length && columns.every((column, j) => column.name === names[j]);
    return same ? capped : undefined;
  } catch {
    return undefined;
  }
}

/** At most `cap` + 1 rows of the statement, each an array of its cells. */
function rowsOf(entry: Prepared, params: unknown[], cap: number): unknown[][] {
  if (entry.capped !== undefined) {
    try {
      return entry.capped.all(...params, cap + 1) as unknown[][];
    } catch {
      // Numbered or named parameters bind differently under the wrapper: from now on this text is
      // stepped, and an error of the statement itself comes again from there.
      entry.capped = undefined;
    }
  }
  const rows: unknown[][] = [];
  // iterate() steps one row at a time: past the cap the rest is never read.
  for (const row of entry.statement.raw(true).iterate(...params) as IterableIterator<unknown[]>) {
    rows.push(row);
    if (rows.length > cap) break;
  }
  return rows;
}

function run(db: Sqlite.Database, job: WorkerJob): WorkerAnswer {
  // better-sqlite3 binds no booleans: SQLite has none, 1 and 0 are its true and false.
  const params = job.params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
  try {
    const entry = prepared(db, job.text);
    const { statement } = entry;
    if (!statement.reader) {
      statement.run(...params);
      return { kind: 'columns', id: job.id, columns: [], values: [], length: 0 };
    }
    const rows = rowsOf(entry, params, job.maxRows);
    if (rows.length > job.maxRows) return { kind: 'too-many', id: job.id };
    const declared = statement.columns();
    const length = rows.length;
    const packed = declared.map((column, j) => sqliteColumn(column.type, cellsOf(rows, j)));
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
