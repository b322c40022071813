/** The SQL layer's shared types: what a database connection answers, and how a statement is written. */

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

/** A column of a result, typed from the driver's metadata (or, for SQLite, from the values). */
export interface ResultColumn {
  readonly name: string;
  /** `time`: a timestamp type, answered as epoch ms numbers; `number`; `string`; `other` (kept as text). */
  readonly type: 'time' | 'number' | 'string' | 'boolean' | 'other';
}

/** A normalised cell of a result. */
export type Value = string | number | boolean | null;

/**
 * One column of a result as its values, without an array per row: numbers in a Float64Array (`nulls[i]`
 * is 1 where the cell is NULL), text as codes into a dictionary (0 is NULL, k is `dictionary[k - 1]`), or
 * any other mix as the cells themselves. Typed arrays cross a process boundary as their bytes.
 */
export type ColumnValues =
  | { readonly kind: 'numbers'; readonly values: Float64Array; readonly nulls: Uint8Array | undefined }
  | { readonly kind: 'strings'; readonly dictionary: readonly string[]; readonly codes: Uint32Array }
  | { readonly kind: 'cells'; readonly cells: readonly Value[] };

/** A result as every driver answers it: values normalised (timestamps epoch ms, numerics as numbers). */
export interface ResultSet {
  readonly columns: readonly ResultColumn[];
  readonly rows: ReadonlyArray<ReadonlyArray<Value>>;
  /**
   * The same values column by column, when the driver has them so (SQLite's workers answer this way):
   * shaping reads them without building the rows. Not enumerable (src/sql/columnar.ts), so a result still
   * compares equal to its columns and rows.
   */
  readonly byColumn?: readonly ColumnValues[];
}

/** A statement ready for a driver: text with the dialect's placeholders, values bound by position. */
export interface Statement {
  readonly text: string;
  readonly params: ReadonlyArray<string | number | boolean | null>;
}

export interface QueryOptions {
  readonly signal: AbortSignal;
  /** More rows than this rejects with RowLimitError (the statement is not read further). */
  readonly maxRows: number;
}

/** One declared database: a pool, read-only unless declared otherwise, with its own limits. */
export interface Database {
  readonly name: string;
  readonly dialect: Dialect;
  /** Runs one statement; rejects with DatabaseUnavailableError, DatabaseTimeoutError, RowLimitError or
   * DatabaseQueryError (the database refused the statement), each naming the database. */
  query(statement: Statement, options: QueryOptions): Promise<ResultSet>;
  /** Whether the database answers now (`SELECT 1` within the timeout). */
  ping(signal: AbortSignal): Promise<void>;
  /** Connections open / idle / requests waiting for one. */
  stats(): { readonly open: number; readonly idle: number; readonly waiting: number };
  close(): Promise<void>;
}
