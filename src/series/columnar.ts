/**
 * Conversions between Grafana's `[value, epochMs]` point pairs and the columnar form the pipeline works
 * on, plus the binary searches that slice a sorted series to a time range without copying.
 */
import type { Columns, TimeRange } from './types';

/** A Grafana datapoint: `[value, epochMs]`, value first (a `null` value is a gap). */
export type Point = readonly [number | null, number];

/**
 * Builds columns from Grafana-ordered points. The result is sorted by time; points with equal
 * timestamps keep their input order (stable), so "last" aggregations stay deterministic.
 * A `null` value becomes `NaN` (a gap). A timestamp that is not a finite number is rejected, since it
 * could neither be sorted nor placed in a bucket.
 */
export function columnsFromPoints(points: ReadonlyArray<Point>): Columns {
  const n = points.length;
  let sorted = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = (points[i] as Point)[1];
    if (!Number.isFinite(t)) {
      throw new Error(`point ${i} has a non-finite timestamp: ${String(t)}`);
    }
    if (t < previous) sorted = false;
    previous = t;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  // Array.prototype.sort is stable (ES2019), so equal timestamps keep their input order.
  if (!sorted) order.sort((a, b) => (points[a] as Point)[1] - (points[b] as Point)[1]);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [value, t] = points[order[i] as number] as Point;
    times[i] = t;
    values[i] = value ?? Number.NaN;
  }
  return { times, values };
}

/** A value as it goes on the wire: a gap (`NaN`) becomes `null`, since JSON has no NaN. */
export function gapToNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** First index `i` with `times[i] >= t` (`times.length` when there is none). `times` must be ascending. */
export function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index `i` with `times[i] > t` (`times.length` when there is none). `times` must be ascending. */
export function upperBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points with `from <= time <= to` (both bounds inclusive), found by binary search in O(log n).
 * Returns `subarray` views that share memory with the input: nothing is copied, and callers must not
 * write into the result (no function of the pipeline does).
 */
export function sliceRange(cols: Columns, range: TimeRange): Columns {
  const start = lowerBound(cols.times, range.from);
  const end = Math.max(start, upperBound(cols.times, range.to));
  return { times: cols.times.subarray(start, end), values: cols.values.subarray(start, end) };
}
