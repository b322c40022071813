/**
 * SQLite's values as the server answers them, worked out in the worker process (sqlite-worker.ts), off
 * the server's event loop: each column typed from its declared type (SQLite's affinity rules) or else its
 * first non-null value, its cells normalised (times epoch ms, big integers numbers, blobs text), and the
 * whole column packed by columnar.ts.
 */
import { columnOf } from './columnar';
import { numeric, timestampMs } from './driver-values';
import type { ColumnValues, ResultColumn, Value } from './types';

/** The column's type from its declared type, else from its first non-null value. */
export function columnType(declared: string | null, cells: readonly unknown[]): ResultColumn['type'] {
  const upper = declared?.toUpperCase() ?? '';
  if (/DATE|TIME/.test(upper)) return 'time';
  if (/BOOL/.test(upper)) return 'boolean';
  if (/INT|REAL|FLOA|DOUB|NUM|DEC/.test(upper)) return 'number';
  if (/CHAR|CLOB|TEXT/.test(upper)) return 'string';
  if (upper !== '') return 'other';
  const sample = cells.find((cell) => cell !== null && cell !== undefined);
  if (typeof sample === 'number' || typeof sample === 'bigint') return 'number';
  if (typeof sample === 'string') return 'string';
  return sample === undefined ? 'string' : 'other';
}

/** Epoch seconds below 10^11 (before the year 5138), epoch ms above: SQLite stores either. */
const SECONDS_BELOW = 1e11;

export function normalise(value: unknown, type: ResultColumn['type']): Value {
  if (value === null || value === undefined) return null;
  if (type === 'time') {
    if (typeof value === 'number') return Math.abs(value) < SECONDS_BELOW ? value * 1000 : value;
    return typeof value === 'string' ? timestampMs(value) : null;
  }
  if (typeof value === 'bigint') return Number(value);
  if (type === 'boolean' && typeof value === 'number') return value !== 0;
  if (type === 'number' && typeof value === 'string') return numeric(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

/** A column's raw cells, typed and normalised, packed as one column. */
export function sqliteColumn(
  declared: string | null,
  cells: unknown[],
): { readonly type: ResultColumn['type']; readonly values: ColumnValues } {
  const type = columnType(declared, cells);
  const normalised: Value[] = cells as Value[];
  // In place: the cells are the worker's own, read for this answer only.
  for (let i = 0; i < cells.length; i++) normalised[i] = normalise(cells[i], type);
  return { type, values: columnOf(normalised) };
}
