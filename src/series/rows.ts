/** Table rows and the range: which rows a request's time range keeps. */
import type { Cell, TimeRange } from './types';

/**
 * Whether a row is inside `range` by its time cell (epoch ms, at index `timeColumn`). A table without a
 * time column (`timeColumn` undefined) keeps every row; a row whose time cell is not a number is dropped.
 */
export function rowInRange(row: readonly Cell[], timeColumn: number | undefined, range: TimeRange): boolean {
  if (timeColumn === undefined) return true;
  const t = row[timeColumn];
  return typeof t === 'number' && t >= range.from && t <= range.to;
}

/** The rows `rowInRange` keeps, in order; the same array when the table has no time column. */
export function rowsInRange<R extends readonly Cell[]>(
  rows: readonly R[],
  timeColumn: number | undefined,
  range: TimeRange,
): readonly R[] {
  return timeColumn === undefined ? rows : rows.filter((row) => rowInRange(row, timeColumn, range));
}
