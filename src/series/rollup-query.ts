/**
 * Downsampling through rollups: the same answer as `downsample(sliceRange(cols, range), range, opts)`
 * (same bucket width, bucket convention and gap rules; sums may differ in the last bits because they are
 * added in another order), at a cost that depends on maxDataPoints and not on how many raw points the
 * range holds.
 *
 * Per bucket: its index range is found by a galloping search on the timestamps (hinted by the previous
 * bucket's size, so evenly spaced series settle in two probes), then folded from the largest rollup
 * blocks that fit inside it: at most `fanout - 1` blocks per level on each side plus the raw points at
 * both ends. So a bucket's value is exact at its edges, whatever the bucket width.
 */
import { type Acc, planBucketWidth, reduce } from './buckets';
import { lowerBound, upperBound } from './columnar';
import type { Rollup, RollupLevel } from './rollup';
import type { Aggregation, Columns, TimeRange } from './types';

// Local aliases: hot loops must not read the global `Math` (slow under jest's vm context).
const { floor, max: maxOf, min: minOf } = Math;

export interface RollupDownsampleOptions {
  readonly maxDataPoints: number;
  readonly intervalMs?: number;
  readonly aggregation: Aggregation;
}

/** Folds raw values `[from, to)` into `acc`, skipping NaN (gaps). */
function foldRaw(values: Float64Array, from: number, to: number, acc: Acc): void {
  let { count, sum, min, max, last } = acc;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    if (v !== v) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
  }
  acc.count = count;
  acc.sum = sum;
  acc.min = min;
  acc.max = max;
  acc.last = last;
}

/**
 * Folds blocks `[from, to)` of one level into `acc`, reading only the arrays `aggregation` needs (the
 * count always: it tells an empty bucket). Empty blocks hold a neutral min/max and a NaN last.
 */
function foldBlocks(level: RollupLevel, from: number, to: number, acc: Acc, aggregation: Aggregation): void {
  const { count: counts } = level;
  let count = acc.count;
  switch (aggregation) {
    case 'avg':
    case 'sum':
    case 'count': {
      const { sum: sums } = level;
      let sum = acc.sum;
      for (let b = from; b < to; b++) {
        count += counts[b] as number;
        sum += sums[b] as number;
      }
      acc.sum = sum;
      break;
    }
    case 'min': {
      const { min: mins } = level;
      let min = acc.min;
      for (let b = from; b < to; b++) {
        count += counts[b] as number;
        const lo = mins[b] as number;
        if (lo < min) min = lo;
      }
      acc.min = min;
      break;
    }
    case 'max': {
      const { max: maxes } = level;
      let max = acc.max;
      for (let b = from; b < to; b++) {
        count += counts[b] as number;
        const hi = maxes[b] as number;
        if (hi > max) max = hi;
      }
      acc.max = max;
      break;
    }
    case 'last': {
      const { last: lasts } = level;
      let last = acc.last;
      for (let b = from; b < to; b++) {
        count += counts[b] as number;
        const l = lasts[b] as number;
        if (l === l) last = l;
      }
      acc.last = last;
      break;
    }
  }
  acc.count = count;
}

/** Folds raw indices `[from, to)` in index order: up the levels from `from`, then down towards `to`. */
function foldRange(rollup: Rollup, from: number, to: number, acc: Acc, aggregation: Aggregation): void {
  const { levels, fanout } = rollup;
  let pos = from;
  let depth = 0; // 0 = raw, d = levels[d - 1]
  let size = 1;
  while (depth < levels.length) {
    const next = size * fanout;
    const rem = pos % next;
    const aligned = rem === 0 ? pos : pos + next - rem;
    if (aligned + next > to) break;
    fold(rollup, depth, pos, aligned, size, acc, aggregation);
    pos = aligned;
    depth++;
    size = next;
  }
  for (;;) {
    const fit = pos + floor((to - pos) / size) * size;
    fold(rollup, depth, pos, fit, size, acc, aggregation);
    pos = fit;
    if (depth === 0) return;
    depth--;
    size = depth === 0 ? 1 : (levels[depth - 1] as RollupLevel).size;
  }
}

function fold(
  rollup: Rollup,
  depth: number,
  from: number,
  to: number,
  size: number,
  acc: Acc,
  aggregation: Aggregation,
): void {
  if (from >= to) return;
  if (depth === 0) foldRaw(rollup.values, from, to, acc);
  else foldBlocks(rollup.levels[depth - 1] as RollupLevel, from / size, to / size, acc, aggregation);
}

/**
 * First index `j` in `[lo, hi)` with `floor(times[j] / width) >= bound` (`hi` when none), by galloping
 * out from `guess` and then bisecting. The predicate is downsample's own bucket test, so both put every
 * point in the same bucket even where `t / width` rounds.
 */
export function bucketEnd(
  times: Float64Array,
  lo: number,
  hi: number,
  bound: number,
  width: number,
  guess: number,
): number {
  if (lo >= hi) return hi;
  const after = (j: number): boolean => (times[j] as number) / width >= bound;
  const g = minOf(maxOf(guess, lo), hi - 1);
  let a = lo;
  let b = hi;
  if (after(g)) {
    b = g;
    for (let step = 1; b - step >= a; step *= 2) {
      if (!after(b - step)) {
        a = b - step + 1;
        break;
      }
      b -= step;
    }
  } else {
    a = g + 1;
    for (let step = 1; a + step - 1 < b; step *= 2) {
      if (after(a + step - 1)) {
        b = a + step - 1;
        break;
      }
      a += step;
    }
  }
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (after(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}

/**
 * Downsamples the part of `cols` inside `range` using `rollup` (built from `cols.values`). Returns views
 * of `cols` when the range holds at most maxDataPoints points, else new arrays sized exactly.
 */
export function downsampleRollup(
  cols: Columns,
  rollup: Rollup,
  range: TimeRange,
  opts: RollupDownsampleOptions,
): Columns {
  const { times, values } = cols;
  const start = lowerBound(times, range.from);
  const end = maxOf(start, upperBound(times, range.to));
  if (end - start <= opts.maxDataPoints) {
    return { times: times.subarray(start, end), values: values.subarray(start, end) };
  }
  const width = planBucketWidth(range, opts.maxDataPoints, opts.intervalMs);
  const maxPoints = floor(opts.maxDataPoints);
  // Same clamp as downsample: only planBucketWidth's one impossible case ever reaches it.
  const lastAllowed = floor(range.from / width) + maxPoints - 1;
  const outTimes = new Float64Array(minOf(end - start, maxPoints));
  const outValues = new Float64Array(outTimes.length);
  const acc: Acc = { count: 0, sum: 0, min: 0, max: 0, last: 0 };
  let size = 0;
  let hint = 1;
  for (let i = start; i < end;) {
    const k = minOf(floor((times[i] as number) / width), lastAllowed);
    const j = k >= lastAllowed ? end : bucketEnd(times, i + 1, end, k + 1, width, i + hint);
    acc.count = 0;
    acc.sum = 0;
    acc.min = Number.POSITIVE_INFINITY;
    acc.max = Number.NEGATIVE_INFINITY;
    acc.last = Number.NaN;
    foldRange(rollup, i, j, acc, opts.aggregation);
    outTimes[size] = k * width;
    outValues[size] = reduce(acc, opts.aggregation);
    size++;
    hint = j - i;
    i = j;
  }
  return { times: outTimes.slice(0, size), values: outValues.slice(0, size) };
}
