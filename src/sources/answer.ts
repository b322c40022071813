/**
 * A SeriesAnswer of any shape (sources/types.ts) → series in columnar form, sorted by time, gaps as NaN;
 * then what the source did not do itself (`Prepared`): ad hoc filters on the merged labels, clip to the
 * range, bucket to maxDataPoints. A shape that is not one of the documented ones is the source's error
 * (SOURCE_FAILED, naming the metric and what was wrong), never a crash.
 */
import { SourceError } from '../errors';
import { downsample } from '../series/buckets';
import { sliceRange } from '../series/columnar';
import type { CompiledFilters } from '../series/filters';
import type { Columns } from '../series/types';
import type { Prepared, ReadRequest } from './types';

/** One series of an answer: the labels the answer gave it (not yet merged) and its points. */
export interface AnsweredSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: Columns;
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Throws the source's error for a bad answer of `metric`. */
export function badAnswer(metric: string, what: string, subject = 'metric'): never {
  const text = `read() of ${subject} ${JSON.stringify(metric)} answered ${what}`;
  throw new SourceError('SOURCE_FAILED', metric, text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Epoch ms of a time cell (a finite number or a valid Date), or undefined. */
function epochOf(cell: unknown): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (cell instanceof Date) {
    const t = cell.getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** A value cell: a number (NaN included) or null/undefined as a gap; undefined when it is neither. */
function valueOf(cell: unknown): number | undefined {
  if (typeof cell === 'number') return cell;
  return cell === null || cell === undefined ? Number.NaN : undefined;
}

/** Sorts columns by time (stable) unless they already are; new arrays only when they were not. */
function sorted(cols: Columns): Columns {
  const { times, values } = cols;
  let ordered = true;
  for (let i = 1; i < times.length && ordered; i++)
    ordered = (times[i] as number) >= (times[i - 1] as number);
  if (ordered) return cols;
  const order = Array.from({ length: times.length }, (_, i) => i);
  order.sort((a, b) => (times[a] as number) - (times[b] as number));
  return {
    times: Float64Array.from(order, (i) => times[i] as number),
    values: Float64Array.from(order, (i) => values[i] as number),
  };
}

/** `{times, values}` columns; typed arrays pass through without a copy. */
function fromColumns(metric: string, data: Record<string, unknown>, where: string): AnsweredSeries {
  const { times, values } = data;
  const labels = labelsOf(metric, data.labels, where);
  if (times instanceof Float64Array && values instanceof Float64Array && times.length === values.length) {
    for (let i = 0; i < times.length; i++) {
      if (!Number.isFinite(times[i]))
        badAnswer(metric, `a time that is not a finite number${where} at point ${i}`);
    }
    return { labels, points: sorted({ times, values }) };
  }
  if (!isArrayLike(times) || !isArrayLike(values)) {
    return badAnswer(metric, `a series without times and values arrays${where}`);
  }
  if (times.length !== values.length) {
    return badAnswer(metric, `${times.length} times and ${values.length} values${where}`);
  }
  const outTimes = new Float64Array(times.length);
  const outValues = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = epochOf(times[i]);
    if (t === undefined) return badAnswer(metric, `a point without a time${where} at point ${i}`);
    const v = valueOf(values[i]);
    if (v === undefined)
      return badAnswer(metric, `a value that is not a number or null${where} at point ${i}`);
    outTimes[i] = t;
    outValues[i] = v;
  }
  return { labels, points: sorted({ times: outTimes, values: outValues }) };
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

function labelsOf(metric: string, labels: unknown, where: string): Readonly<Record<string, string>> {
  if (labels === undefined) return NO_LABELS;
  if (!isRecord(labels)) return badAnswer(metric, `labels that are not an object${where}`);
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string')
      return badAnswer(metric, `label ${JSON.stringify(key)} that is not a string${where}`);
  }
  return labels as Record<string, string>;
}

/** `[[value, time], …]`: Grafana's datapoints. */
function fromDatapoints(metric: string, points: readonly unknown[]): AnsweredSeries {
  const times = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    if (!Array.isArray(point))
      return badAnswer(metric, `a datapoint that is not [value, time] at point ${i}`);
    const t = epochOf(point[1]);
    if (t === undefined) return badAnswer(metric, `a point without a time at point ${i}`);
    const v = valueOf(point[0]);
    if (v === undefined) return badAnswer(metric, `a value that is not a number or null at point ${i}`);
    times[i] = t;
    values[i] = v;
  }
  return { labels: NO_LABELS, points: sorted({ times, values }) };
}

/**
 * Long-format rows: `time`, value columns (named, or else every column holding numbers and no strings),
 * every other column a label (string cells; null leaves the label out). One series per label set and value
 * column, in first-seen order; with several value columns each series gets a `__value` label naming its column.
 */
function fromRows(metric: string, rows: readonly unknown[], named: unknown): AnsweredSeries[] {
  if (named !== undefined && !(Array.isArray(named) && named.every((c) => typeof c === 'string'))) {
    return badAnswer(metric, 'valueColumns that are not an array of strings');
  }
  const kinds = new Map<string, { numbers: boolean; strings: boolean }>();
  rows.forEach((row, i) => {
    if (!isRecord(row)) badAnswer(metric, `a row that is not an object at row ${i}`);
    for (const [key, cell] of Object.entries(row)) {
      if (key === 'time') continue;
      const kind = kinds.get(key) ?? { numbers: false, strings: false };
      if (typeof cell === 'number') kind.numbers = true;
      else if (cell !== null && cell !== undefined) kind.strings = true;
      kinds.set(key, kind);
    }
  });
  const valueColumns: string[] =
    named ?? [...kinds].filter(([, k]) => k.numbers && !k.strings).map(([key]) => key);
  const values = new Set(valueColumns);
  const labelColumns = [...kinds.keys()].filter((k) => !values.has(k));
  const groups = new Map<string, { labels: Record<string, string>; times: number[]; cells: number[][] }>();
  rows.forEach((row, i) => {
    const r = row as Record<string, unknown>;
    const t = epochOf(r.time);
    if (t === undefined) badAnswer(metric, `a point without a time at row ${i}`);
    const labels: Record<string, string> = {};
    for (const key of labelColumns) {
      const cell = r[key];
      if (cell !== null && cell !== undefined) labels[key] = String(cell);
    }
    const id = JSON.stringify(labelColumns.map((k) => labels[k] ?? null));
    let group = groups.get(id);
    if (group === undefined) {
      group = { labels, times: [], cells: valueColumns.map(() => []) };
      groups.set(id, group);
    }
    group.times.push(t);
    valueColumns.forEach((column, j) => {
      const v = valueOf(r[column]);
      if (v === undefined)
        badAnswer(
          metric,
          `a value that is not a number or null in column ${JSON.stringify(column)} at row ${i}`,
        );
      (group.cells[j] as number[]).push(v);
    });
  });
  const out: AnsweredSeries[] = [];
  for (const group of groups.values()) {
    const times = Float64Array.from(group.times);
    valueColumns.forEach((column, j) => {
      const labels = valueColumns.length > 1 ? { ...group.labels, __value: column } : group.labels;
      out.push({ labels, points: sorted({ times, values: Float64Array.from(group.cells[j] as number[]) }) });
    });
  }
  return out;
}

/** Every documented SeriesAnswer shape → its series, each sorted by time. */
export function seriesOfAnswer(metric: string, answer: unknown): AnsweredSeries[] {
  if (Array.isArray(answer)) return [fromDatapoints(metric, answer)];
  if (!isRecord(answer)) {
    return badAnswer(
      metric,
      `${answer === null ? 'null' : typeof answer}, not datapoints, columns, series or rows`,
    );
  }
  if (Array.isArray(answer.rows)) return fromRows(metric, answer.rows, answer.valueColumns);
  if (Array.isArray(answer.series)) {
    return answer.series.map((s: unknown, i: number) => {
      if (!isRecord(s)) return badAnswer(metric, `a series that is not an object at series ${i}`);
      return fromColumns(metric, s, ` (series ${i})`);
    });
  }
  if ('times' in answer || 'values' in answer) return [fromColumns(metric, answer, '')];
  return badAnswer(metric, 'an object without datapoints, times and values, series or rows');
}

/**
 * What the server does after the source: drops the series whose merged labels fail the ad hoc filters,
 * clips to the range and buckets to maxDataPoints, each unless `prepared` says it was done. The cap holds
 * whatever `prepared` says: a "bucketed" answer that still has too many points is bucketed here.
 */
export function finishSeries(
  series: readonly AnsweredSeries[],
  request: ReadRequest,
  prepared: Prepared,
  filters: CompiledFilters,
  baseLabels: Readonly<Record<string, string>>,
): Array<{ labels: Readonly<Record<string, string>>; points: Columns }> {
  const out: Array<{ labels: Readonly<Record<string, string>>; points: Columns }> = [];
  for (const s of series) {
    const labels = s.labels === NO_LABELS ? baseLabels : { ...baseLabels, ...s.labels };
    if (prepared.filtered !== true && !filters.matchesLabels(labels)) continue;
    let points = prepared.clipped === true ? s.points : sliceRange(s.points, request.range);
    points = downsample(points, request.range, request);
    out.push({ labels, points });
  }
  return out;
}
