/**
 * A TableAnswer (declared columns and rows of cells, or rows as objects) → columns and rows of cells, time
 * cells as epoch ms; then what the source did not do itself (`Prepared`): rows outside the range (on the
 * first time column) and rows failing the ad hoc filters are dropped.
 */
import type { CompiledFilters } from '../series/filters';
import { rowsInRange } from '../series/rows';
import type { Cell, ColumnType, TableColumn, TimeRange } from '../series/types';
import { badAnswer } from './answer';
import type { Prepared } from './types';

export interface AnsweredTable {
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

const TYPES: ReadonlySet<string> = new Set<ColumnType>(['time', 'number', 'string', 'boolean']);

function cellOf(metric: string, value: unknown, type: ColumnType, where: string): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return type === 'string' ? value.toISOString() : value.getTime();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    if (type === 'time' && typeof value !== 'number')
      return badAnswer(metric, `a time cell that is not epoch ms or a Date${where}`);
    return value;
  }
  return badAnswer(metric, `a cell that is not a string, number, boolean, Date or null${where}`);
}

function fromCells(metric: string, columns: unknown, rows: readonly unknown[]): AnsweredTable {
  if (!Array.isArray(columns)) return badAnswer(metric, 'columns that are not an array');
  const cols = columns.map((c: unknown, j): TableColumn => {
    const { text, type } = (c ?? {}) as { text?: unknown; type?: unknown };
    if (typeof text !== 'string' || typeof type !== 'string' || !TYPES.has(type)) {
      return badAnswer(
        metric,
        `a column that is not {text, type: time|number|string|boolean} at column ${j}`,
      );
    }
    return { text, type: type as ColumnType };
  });
  const out = rows.map((row, i) => {
    if (!Array.isArray(row) || row.length !== cols.length) {
      return badAnswer(metric, `a row that is not an array of ${cols.length} cells at row ${i}`);
    }
    return row.map((cell: unknown, j) => cellOf(metric, cell, (cols[j] as TableColumn).type, ` at row ${i}`));
  });
  return { columns: cols, rows: out };
}

function typeOf(value: unknown): ColumnType | undefined {
  if (value instanceof Date) return 'time';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return undefined;
}

/** Rows as objects: columns in first-seen order, typed by their first non-null cell (`time` is a time). */
function fromObjects(metric: string, rows: readonly unknown[]): AnsweredTable {
  const types = new Map<string, ColumnType | undefined>();
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      badAnswer(metric, `a row that is neither an array of cells nor an object at row ${i}`);
    }
    for (const [key, value] of Object.entries(row)) {
      if (types.get(key) !== undefined) continue;
      types.set(key, key === 'time' && typeOf(value) === 'number' ? 'time' : typeOf(value));
    }
  });
  const columns = [...types].map(([text, type]): TableColumn => ({ text, type: type ?? 'string' }));
  const out = rows.map((row, i) =>
    columns.map((c) => {
      const value = (row as Record<string, unknown>)[c.text];
      const cell = cellOf(metric, value, c.type, ` in column ${JSON.stringify(c.text)} at row ${i}`);
      return cell === null || c.type === 'time' || typeof cell === c.type ? cell : String(cell);
    }),
  );
  return { columns, rows: out };
}

/** Every documented TableAnswer shape → columns and rows of cells. */
export function tableOfAnswer(metric: string, answer: unknown): AnsweredTable {
  const rows = (answer as { rows?: unknown } | null)?.rows;
  if (typeof answer !== 'object' || answer === null || !Array.isArray(rows)) {
    return badAnswer(metric, 'no rows array: a table answers {columns, rows} or {rows: [{…}, …]}');
  }
  const columns = (answer as { columns?: unknown }).columns;
  return columns === undefined ? fromObjects(metric, rows) : fromCells(metric, columns, rows);
}

/** Range clip on the first time column, then the ad hoc filters, each unless `prepared` says it was done. */
export function finishTable(
  table: AnsweredTable,
  range: TimeRange,
  prepared: Prepared,
  filters: CompiledFilters,
): AnsweredTable {
  const timeColumn = table.columns.findIndex((c) => c.type === 'time');
  let rows = table.rows;
  if (prepared.clipped !== true) rows = rowsInRange(rows, timeColumn === -1 ? undefined : timeColumn, range);
  if (prepared.filtered !== true) rows = filters.filterRows(table.columns, rows);
  return { columns: table.columns, rows };
}
