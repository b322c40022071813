import type { TimeSeriesMetric } from '../registry/types';
import { downsample, planBucketWidth } from '../series/buckets';
import { countPoints, generate, generateBuckets } from '../series/generators';
import { buildRollup, type Rollup } from '../series/rollup';
import { downsampleRollup } from '../series/rollup-query';
import type { Aggregation, Columns, TimeRange } from '../series/types';

export interface ReadOptions {
  readonly maxDataPoints: number;
  readonly intervalMs: number | undefined;
  /** Overrides the metric's declared aggregation. */
  readonly aggregation?: Aggregation;
}

/**
 * A generated series with more raw points in the range than this many per requested point is computed at
 * bucket resolution instead of being materialised and downsampled: the cost then depends on
 * maxDataPoints, not on the range.
 */
export const GENERATE_EXACT_POINTS_PER_BUCKET = 4;

/**
 * Samples evaluated per bucket on that path. Generated data is synthetic and smooth at bucket scale, so a
 * few samples give its shape; the query then costs about as much as an exact one of 2 × 4 points per bucket
 * (measured in docs/benchmarks.md).
 */
export const GENERATED_SAMPLES_PER_BUCKET = 8;

/**
 * Rollups of the stored series, built on first use and keyed by the series' columns object. Columns are
 * never mutated (see Columns), so a rollup stays valid for as long as its key lives; a WeakMap lets a
 * reloaded registry's old series and their rollups be collected together. It memoises a pure function,
 * so the answer of readSeries never depends on what was cached.
 */
const rollups = new WeakMap<Columns, Rollup>();

/** The rollup of a stored series, built now if it was not yet (call it at load time to pay the cost early). */
export function rollupFor(columns: Columns): Rollup {
  let rollup = rollups.get(columns);
  if (rollup === undefined) {
    rollup = buildRollup(columns.values);
    rollups.set(columns, rollup);
  }
  return rollup;
}

/**
 * The points of one series inside the range, never more than maxDataPoints. Stored series are sliced by
 * binary search and, when the range holds more points than that, aggregated through their rollup (the
 * same result as `downsample`, read in O(maxDataPoints) values whatever the range); generated ones are
 * computed for the range only.
 */
export function readSeries(metric: TimeSeriesMetric, range: TimeRange, options: ReadOptions): Columns {
  const aggregation = options.aggregation ?? metric.aggregation;
  const bucketing = { maxDataPoints: options.maxDataPoints, aggregation, ...intervalOf(options) };
  const { source } = metric;
  if (source.kind === 'stored') {
    return downsampleRollup(source.columns, rollupFor(source.columns), range, bucketing);
  }
  const count = countPoints(range, source.generator.step);
  if (count <= GENERATE_EXACT_POINTS_PER_BUCKET * options.maxDataPoints) {
    return downsample(generate(source.generator, range), range, bucketing);
  }
  const width = planBucketWidth(range, options.maxDataPoints, options.intervalMs);
  return generateBuckets(source.generator, range, width, aggregation, GENERATED_SAMPLES_PER_BUCKET);
}

function intervalOf(options: ReadOptions): { intervalMs?: number } {
  return options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs };
}
