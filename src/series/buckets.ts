/**
 * Downsampling: reduces a series to at most `maxDataPoints` points by aggregating time buckets.
 *
 * Bucket convention shared with the rest of the project: with width `w`, bucket `k = floor(t / w)`
 * covers `[k·w, (k+1)·w)`, so buckets are aligned to the epoch and do not move when the range moves
 * (a refreshing dashboard keeps stable points). A bucket is stamped at its start `k·w`, a round multiple
 * of the width, as Grafana's own `$__timeGroup` and Prometheus' step alignment stamp theirs; so the first
 * bucket's stamp may lie up to one width before `range.from`, while every point it aggregates lies inside
 * the range. The output is strictly ascending.
 */
import { sliceRange } from './columnar';
import type { Aggregation, Columns, TimeRange } from './types';

export interface DownsampleOptions {
  /** Upper bound on the number of output points (Grafana's `maxDataPoints`), at least 1. */
  readonly maxDataPoints: number;
  /** Grafana's `intervalMs`: bucket widths are multiples of it, so points land on its grid. */
  readonly intervalMs?: number;
  readonly aggregation: Aggregation;
}

/** Number of aligned buckets of width `w` that touch `[from, to]`. */
function bucketCount(range: TimeRange, w: number): number {
  return Math.floor(range.to / w) - Math.floor(range.from / w) + 1;
}

/** How many candidates to try one by one above the lower bound before bisecting. */
const LINEAR_STEPS = 4;

/**
 * The bucket width for a range: a positive integer multiple of `intervalMs` (of 1 ms when it is absent
 * or not positive) for which the aligned buckets touching `[from, to]` number at most `maxDataPoints`.
 *
 * Why not simply `ceil(span / maxDataPoints)`: aligned buckets usually straddle both ends of the
 * range, so a width can need one bucket more than `span / w`. And the count is not monotonic in the
 * width (for `[5, 6]`: w = 4 gives one bucket, w = 6 gives two), so it is searched for, in O(log):
 * with `n = maxDataPoints` and `span = to - from`, every width `<= span / n` needs more than `n`
 * buckets and every width `> span / (n - 1)` needs at most `n`. The first few multiples above the lower
 * bound are tried in turn (the exact smallest width when found, which is the usual case since Grafana
 * picks `intervalMs ≈ span / maxDataPoints`); otherwise the gap is bisected. The result always holds
 * the bound and `result - intervalMs` never does.
 *
 * One case has no answer: `maxDataPoints = 1` with a range that contains the epoch on both sides
 * (`from < 0 <= to`) always touches buckets -1 and 0. It returns a width giving those two buckets;
 * `downsample` still answers with one point by merging them.
 *
 * @throws RangeError when `maxDataPoints` is not a number >= 1 or the range is not finite with
 *   `from <= to` (the request schema rules these out before this is called).
 */
export function planBucketWidth(range: TimeRange, maxDataPoints: number, intervalMs?: number): number {
  const { from, to } = range;
  if (!(maxDataPoints >= 1)) throw new RangeError(`maxDataPoints must be >= 1, got ${maxDataPoints}`);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new RangeError(`invalid range [${from}, ${to}]`);
  }
  const n = Math.floor(maxDataPoints);
  const unit = intervalMs !== undefined && intervalMs > 0 && Number.isFinite(intervalMs) ? intervalMs : 1;
  const fits = (m: number): boolean => bucketCount(range, m * unit) <= n;
  if (fits(1)) return unit;

  const span = to - from;
  if (n === 1 && from < 0 && to >= 0) return (Math.floor(span / unit) + 1) * unit;

  // Invariant: `fits(lo)` is false and `fits(hi)` is true.
  let lo = Math.max(1, Math.floor(span / (n * unit)));
  if (fits(lo)) lo = 1; // cannot happen in exact arithmetic; guards against rounding
  for (let step = 0; step < LINEAR_STEPS; step++) {
    if (fits(lo + 1)) return (lo + 1) * unit;
    lo += 1;
  }
  let hi = Math.max(lo + 1, firstSureFit(range, n, unit));
  while (!fits(hi)) {
    lo = hi;
    hi *= 2; // only reached through rounding at extreme magnitudes
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi * unit;
}

/** A multiplier that certainly fits: above `span / (n - 1)`, or for one bucket, past the far end. */
function firstSureFit(range: TimeRange, n: number, unit: number): number {
  const { from, to } = range;
  if (n >= 2) return Math.floor((to - from) / ((n - 1) * unit)) + 1;
  // One bucket: [0, w) holds a non-negative range when w > to, [-w, 0) a negative one when w >= -from.
  return from >= 0 ? Math.floor(to / unit) + 1 : Math.ceil(-from / unit);
}

/** Running state of one bucket; every aggregation is read from it when the bucket closes. */
export interface Acc {
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

/** The bucket's value under `aggregation`; a bucket of gaps only stays a gap (NaN). */
export function reduce(acc: Acc, aggregation: Aggregation): number {
  if (acc.count === 0) return Number.NaN; // only gaps in this bucket: it stays a gap
  switch (aggregation) {
    case 'avg':
      return acc.sum / acc.count;
    case 'min':
      return acc.min;
    case 'max':
      return acc.max;
    case 'sum':
      return acc.sum;
    case 'last':
      return acc.last;
    case 'count':
      return acc.count;
  }
}

/**
 * Reduces `cols` to at most `opts.maxDataPoints` points, one per non-empty aligned bucket of the width
 * `planBucketWidth` picks, in one pass. A series that already fits is returned as is (the same object).
 *
 * `NaN` values (gaps) are ignored by every aggregation, `count` counts the other values, and a bucket
 * holding only gaps yields `NaN` so the gap survives downsampling. Buckets without points are omitted.
 * The input is expected to be sliced to `range` already; points outside it are ignored so the bound
 * and the in-range guarantee hold regardless. The output arrays are new and sized exactly.
 */
export function downsample(cols: Columns, range: TimeRange, opts: DownsampleOptions): Columns {
  if (cols.times.length <= opts.maxDataPoints) return cols;
  const width = planBucketWidth(range, opts.maxDataPoints, opts.intervalMs);
  const { times, values } = sliceRange(cols, range);
  const maxPoints = Math.floor(opts.maxDataPoints);
  const outTimes = new Float64Array(Math.min(times.length, maxPoints));
  const outValues = new Float64Array(outTimes.length);
  const lastAllowed = Math.floor(range.from / width) + maxPoints - 1;
  const acc: Acc = { count: 0, sum: 0, min: 0, max: 0, last: 0 };
  let size = 0;
  let current = Number.NaN;

  const close = (): void => {
    outTimes[size] = current * width;
    outValues[size] = reduce(acc, opts.aggregation);
    size += 1;
  };

  for (let i = 0; i < times.length; i++) {
    // The clamp only matters in planBucketWidth's one impossible case (two buckets for one point).
    const k = Math.min(Math.floor((times[i] as number) / width), lastAllowed);
    if (k !== current) {
      if (!Number.isNaN(current)) close();
      current = k;
      acc.count = 0;
      acc.sum = 0;
      acc.min = Number.POSITIVE_INFINITY;
      acc.max = Number.NEGATIVE_INFINITY;
    }
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    acc.count += 1;
    acc.sum += v;
    if (v < acc.min) acc.min = v;
    if (v > acc.max) acc.max = v;
    acc.last = v;
  }
  if (!Number.isNaN(current)) close();
  return { times: outTimes.slice(0, size), values: outValues.slice(0, size) };
}
