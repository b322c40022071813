/**
 * A query's rows as the answers Grafana's SQL data sources give (docs/sql.md "Result columns"):
 * - series: the time column (named `time`, else the first time-typed column), every number column a
 *   value, every string column a label; one series per value column and label set (long format), sorted
 *   by time; a `metric` string column names the series as Grafana does;
 * - table: every column, typed time / number / string / boolean.
 *
 * A numeric time is read by its number of digits, Grafana's rule: about 10 → epoch seconds, 13 → ms,
 * 16 → µs, 19 → ns (so `$__timeGroup`'s epoch seconds and an epoch ms column both work); text is ISO 8601,
 * UTC when it names no zone.
 */
import { SourceError } from '../errors';
import type { SeriesData, TableAnswer } from '../sources/types';
import type { Cell, ColumnType } from '../series/types';
import { rowCount } from './columnar';
import type { Fill } from './macros';
import { groupColumns } from './shape-columns';
import type { ResultColumn, ResultSet } from './types';

/** A series of a result; `name` is what Grafana's SQL data sources call it (the value column, or `metric`). */
export interface ShapedSeries extends SeriesData {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly times: number[];
  readonly values: Array<number | null>;
}

export interface ShapeOptions {
  /** The metric read, named in errors. */
  readonly metric: string;
  /** `$__timeGroup(col, interval, fill)`: fill the buckets of `range` without a row. */
  readonly fill?: Fill;
  readonly range?: { readonly from: number; readonly to: number };
  /** Most buckets a fill may add per series (beyond it, no fill). Default 100 000. */
  readonly maxFillPoints?: number;
}

/** Epoch ms of a numeric time by its digits: ≤ 11 seconds, 12–14 ms, 15–17 µs, ≥ 18 ns. */
export function numericTimeToMs(value: number): number {
  // The digits of the integer part, by comparison (no log10 per row).
  const abs = Math.abs(value);
  if (abs < 1e11) return value * 1000;
  if (abs < 1e14) return value;
  if (abs < 1e17) return value / 1000;
  return value / 1e6;
}

/** Epoch ms of a time cell (a `time` column is already ms), or null; throws for what is no time. */
function timeCell(cell: Cell, column: ResultColumn, metric: string): number | null {
  if (cell === null) return null;
  if (column.type === 'time' && typeof cell === 'number') return cell;
  if (typeof cell === 'number') return numericTimeToMs(cell);
  if (typeof cell === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(cell.trim())) return numericTimeToMs(Number(cell));
    const iso = cell.trim().replace(' ', 'T');
    const zoned = /(Z|[+-]\d\d(:?\d\d)?)$/i.test(iso) ? iso : `${iso}Z`;
    const ms = Date.parse(zoned);
    if (Number.isFinite(ms)) return ms;
  }
  throw new SourceError(
    'SOURCE_FAILED',
    metric,
    `metric ${JSON.stringify(metric)}: time column ${JSON.stringify(column.name)} holds ${JSON.stringify(cell)}, not a time`,
  );
}

function numberCell(cell: Cell): number | null {
  if (cell === null) return null;
  const n = typeof cell === 'number' ? cell : Number(cell);
  return Number.isFinite(n) ? n : null;
}

/** Index of the time column: `time` (any case), else the first time-typed one. */
export function timeColumnIndex(columns: readonly ResultColumn[]): number | undefined {
  const named = columns.findIndex((c) => c.name.toLowerCase() === 'time');
  if (named !== -1) return named;
  const typed = columns.findIndex((c) => c.type === 'time');
  return typed === -1 ? undefined : typed;
}

function fillSeries(s: ShapedSeries, options: ShapeOptions): ShapedSeries {
  const { fill, range } = options;
  if (fill === undefined || range === undefined || fill.intervalMs <= 0) return s;
  const step = fill.intervalMs;
  const first = Math.floor(range.from / step) * step;
  if ((range.to - first) / step + 1 > (options.maxFillPoints ?? 100_000)) return s;
  const byTime = new Map(s.times.map((t, i) => [t, s.values[i] ?? null]));
  const times: number[] = [];
  const values: Array<number | null> = [];
  let previous: number | null = null;
  for (let t = first; t <= range.to; t += step) {
    const known = byTime.get(t);
    if (known !== undefined) {
      byTime.delete(t);
      previous = known;
    }
    times.push(t);
    values.push(
      known !== undefined
        ? known
        : fill.mode === 'previous'
          ? previous
          : fill.mode === 'value'
            ? (fill.value ?? null)
            : null,
    );
  }
  // Rows off the bucket grid (not from $__timeGroup) are kept as they were.
  for (const [t, v] of byTime) {
    times.push(t);
    values.push(v);
  }
  return sortSeries({ ...s, times, values });
}

function sortSeries(s: ShapedSeries): ShapedSeries {
  // Queries end with ORDER BY time as a rule: then there is nothing to do.
  let sorted = true;
  for (let i = 1; i < s.times.length && sorted; i++)
    sorted = (s.times[i - 1] as number) <= (s.times[i] as number);
  if (sorted) return s;
  const order = s.times.map((_, i) => i).sort((a, b) => (s.times[a] ?? 0) - (s.times[b] ?? 0));
  return { ...s, times: order.map((i) => s.times[i] ?? 0), values: order.map((i) => s.values[i] ?? null) };
}

/** Which column of a result plays which part in its series. */
export interface SeriesRoles {
  readonly timeAt: number;
  /** The `metric` string column, or -1. */
  readonly metricAt: number;
  readonly valueAt: readonly number[];
  readonly labelAt: readonly number[];
}

/** Makes the series of one group: one per value column, sharing the group's labels. */
export type NewGroup = (
  metricName: string | undefined,
  labelText: (column: number) => string | undefined,
) => ShapedSeries[];

function rolesOf(
  columns: readonly ResultColumn[],
  metric: string,
  rowCount: number,
): SeriesRoles | undefined {
  const list = columns.map((c) => JSON.stringify(c.name)).join(', ');
  const timeAt = timeColumnIndex(columns);
  if (timeAt === undefined) {
    throw new SourceError(
      'SOURCE_FAILED',
      metric,
      `metric ${JSON.stringify(metric)}: the query answered no time column (name one "time"); columns: ${list}`,
    );
  }
  const metricAt = columns.findIndex((c, i) => i !== timeAt && c.name === 'metric' && c.type === 'string');
  const valueAt: number[] = [];
  const labelAt: number[] = [];
  columns.forEach((c, i) => {
    if (i === timeAt || i === metricAt) return;
    if (c.type === 'number') valueAt.push(i);
    else if (c.type === 'string' || c.type === 'other') labelAt.push(i);
  });
  // No rows: no series. SQLite types an empty result's computed columns as text, so none is a number.
  if (valueAt.length === 0 && rowCount === 0) return undefined;
  if (valueAt.length === 0) {
    throw new SourceError(
      'SOURCE_FAILED',
      metric,
      `metric ${JSON.stringify(metric)}: the query answered no number column to plot; columns: ${list}`,
    );
  }
  return { timeAt, metricAt, valueAt, labelAt };
}

function newGroupOf(columns: readonly ResultColumn[], roles: SeriesRoles): NewGroup {
  const { valueAt, labelAt } = roles;
  return (metricName, labelText) => {
    const labels: Record<string, string> = {};
    for (const i of labelAt) {
      const text = labelText(i);
      if (text !== undefined) labels[columns[i]?.name ?? ''] = text;
    }
    return valueAt.map((i): ShapedSeries => {
      const column = columns[i]?.name ?? '';
      const name =
        metricName === undefined ? column : valueAt.length === 1 ? metricName : `${metricName} ${column}`;
      return { name, labels, times: [], values: [] };
    });
  };
}

/** The groups of a result's rows, one cell at a time (any driver, any cell types). */
function groupRows(
  result: ResultSet,
  roles: SeriesRoles,
  newGroup: NewGroup,
  metric: string,
): Iterable<ShapedSeries[]> {
  const { timeAt, metricAt, valueAt, labelAt } = roles;
  const timeColumn = result.columns[timeAt] as ResultColumn;
  // One label and no metric column (the usual long format): the label's text is the key itself.
  const single = metricAt === -1 && labelAt.length === 1 ? (labelAt[0] as number) : -1;
  const groups = new Map<string | undefined, ShapedSeries[]>();
  for (const row of result.rows) {
    const time = timeCell(row[timeAt] ?? null, timeColumn, metric);
    if (time === null) continue;
    const metricCell = metricAt === -1 ? undefined : row[metricAt];
    const metricName = metricCell === null || metricCell === undefined ? undefined : String(metricCell);
    // The group of a row, by its metric and label cells (an absent cell is not an empty one): built
    // without an object per row, which for tens of thousands of rows was most of the shaping's cost.
    // Each cell is written with its length, so no two label sets can give the same key.
    let key: string | undefined;
    if (single !== -1) {
      const cell = row[single];
      key = cell === null || cell === undefined ? undefined : String(cell);
    } else {
      key = metricName === undefined ? '-' : `${metricName.length}:${metricName}`;
      for (const i of labelAt) {
        const cell = row[i];
        const text = cell === null || cell === undefined ? undefined : String(cell);
        key += text === undefined ? '|-' : `|${text.length}:${text}`;
      }
    }
    let group = groups.get(key);
    if (group === undefined) {
      group = newGroup(metricName, (i) => {
        const cell = row[i];
        return cell === null || cell === undefined ? undefined : String(cell);
      });
      groups.set(key, group);
    }
    for (let k = 0; k < valueAt.length; k++) {
      const s = group[k] as ShapedSeries;
      s.times.push(time);
      s.values.push(numberCell(row[valueAt[k] as number] ?? null));
    }
  }
  return groups.values();
}

/** The series of a result (long format); throws SourceError without a time column or a number column. */
export function toSeries(result: ResultSet, options: ShapeOptions): { series: ShapedSeries[] } {
  const { columns, byColumn } = result;
  const roles = rolesOf(columns, options.metric, rowCount(result));
  if (roles === undefined) return { series: [] };
  const newGroup = newGroupOf(columns, roles);
  const toMs = columns[roles.timeAt]?.type === 'time' ? (t: number) => t : numericTimeToMs;
  const groups =
    (byColumn === undefined ? undefined : groupColumns(byColumn, roles, toMs, newGroup)) ??
    groupRows(result, roles, newGroup, options.metric);
  const series: ShapedSeries[] = [];
  for (const group of groups) for (const s of group) series.push(fillSeries(sortSeries(s), options));
  return { series };
}

const TABLE_TYPES: Readonly<Record<ResultColumn['type'], ColumnType>> = {
  time: 'time',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  other: 'string',
};

/** The table of a result: every column and row in order; a number column named `time` is read as a time. */
export function toTable(result: ResultSet, options: { readonly metric: string }): TableAnswer {
  const types = result.columns.map((c): ColumnType =>
    c.name.toLowerCase() === 'time' && (c.type === 'number' || c.type === 'time')
      ? 'time'
      : TABLE_TYPES[c.type],
  );
  const rows = result.rows.map((row) =>
    result.columns.map((column, i): Cell => {
      const cell = row[i] ?? null;
      if (cell === null) return null;
      switch (types[i]) {
        case 'time':
          return timeCell(cell, column, options.metric);
        case 'number':
          return numberCell(cell);
        case 'boolean':
          return typeof cell === 'boolean' ? cell : cell === 1 || cell === '1' || cell === 'true';
        default:
          return typeof cell === 'string' ? cell : String(cell);
      }
    }),
  );
  return { columns: result.columns.map((c, i) => ({ text: c.name, type: types[i] ?? 'string' })), rows };
}
