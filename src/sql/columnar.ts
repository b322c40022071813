/**
 * Results held by column (types.ts `ColumnValues`): built from a column's normalised cells, read back cell
 * by cell, and wrapped as a ResultSet whose rows are built only if something reads them. SQLite's workers
 * answer this way: a Float64Array crosses the IPC channel as its bytes, where an array per row had to be
 * cloned value by value, and the shaping groups rows by dictionary codes instead of their text.
 */
import type { ColumnValues, ResultColumn, ResultSet, Value } from './types';

/** The column of `cells`: numbers when every cell is a number or null, text likewise, else the cells. */
export function columnOf(cells: readonly Value[]): ColumnValues {
  const n = cells.length;
  let numbers = true;
  let strings = true;
  for (let i = 0; i < n && (numbers || strings); i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined) continue;
    if (typeof cell !== 'number') numbers = false;
    if (typeof cell !== 'string') strings = false;
  }
  // A column of NULLs only (or no rows) reads the same either way: numbers are the smaller message.
  if (numbers) {
    const values = new Float64Array(n);
    let nulls: Uint8Array | undefined;
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (typeof cell === 'number') values[i] = cell;
      else (nulls ??= new Uint8Array(n))[i] = 1;
    }
    return { kind: 'numbers', values, nulls };
  }
  if (strings) {
    const codeOf = new Map<string, number>();
    const dictionary: string[] = [];
    const codes = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (typeof cell !== 'string') continue;
      let code = codeOf.get(cell);
      if (code === undefined) {
        dictionary.push(cell);
        code = dictionary.length;
        codeOf.set(cell, code);
      }
      codes[i] = code;
    }
    return { kind: 'strings', dictionary, codes };
  }
  return { kind: 'cells', cells };
}

/** Column `j` of `rows` (arrays of cells), as one array: what columnOf packs. */
export function cellsOf<T>(rows: ReadonlyArray<ReadonlyArray<T>>, j: number): T[] {
  const n = rows.length;
  const cells = new Array<T>(n);
  for (let i = 0; i < n; i++) cells[i] = (rows[i] as ReadonlyArray<T>)[j] as T;
  return cells;
}

/** The cell at row `i` of `column`. */
export function cellAt(column: ColumnValues, i: number): Value {
  switch (column.kind) {
    case 'numbers':
      return column.nulls?.[i] === 1 ? null : (column.values[i] as number);
    case 'strings': {
      const code = column.codes[i] as number;
      return code === 0 ? null : (column.dictionary[code - 1] as string);
    }
    case 'cells':
      return column.cells[i] ?? null;
  }
}

function lengthOf(column: ColumnValues): number {
  return column.kind === 'numbers'
    ? column.values.length
    : column.kind === 'strings'
      ? column.codes.length
      : column.cells.length;
}

/** How many rows `result` holds, without building them. */
export function rowCount(result: ResultSet): number {
  const first = result.byColumn?.[0];
  return first === undefined ? result.rows.length : lengthOf(first);
}

/**
 * A ResultSet of `length` rows held by `byColumn`: `rows` is built on first read (then kept), and
 * `byColumn` is not enumerable, so the result compares equal to a plain `{ columns, rows }`.
 */
export function columnarResult(
  columns: readonly ResultColumn[],
  byColumn: readonly ColumnValues[],
  length: number,
): ResultSet {
  let rows: Value[][] | undefined;
  const result = { columns } as ResultSet;
  Object.defineProperty(result, 'rows', {
    enumerable: true,
    get: () => (rows ??= Array.from({ length }, (_, i) => byColumn.map((column) => cellAt(column, i)))),
  });
  Object.defineProperty(result, 'byColumn', { enumerable: false, value: byColumn });
  return result;
}
