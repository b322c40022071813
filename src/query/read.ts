import type { TimeSeriesMetric } from '../registry/types';
import { downsample, planBucketWidth } from '../series/buckets';
import { sliceRange } from '../series/columnar';
import { countPoints, generate, generateBuckets } from '../series/generators';
import type { Aggregation, Columns, TimeRange } from '../series/types';

export interface ReadOptions {
  readonly maxDataPoints: number;
  readonly intervalMs: number | undefined;
  /** Overrides the metric's declared aggregation. */
  readonly aggregation?: Aggregation;
}

/**
 * Above this many raw points a generated series is computed at bucket resolution instead of being
 * materialised and downsampled: the cost then depends on maxDataPoints, not on the range.
 */
export const GENERATE_EXACT_LIMIT = 100_000;

/**
 * The points of one series inside the range, never more than maxDataPoints: stored series are sliced by
 * binary search and downsampled into aligned buckets; generated ones are computed for the range only.
 */
export function readSeries(metric: TimeSeriesMetric, range: TimeRange, options: ReadOptions): Columns {
  const aggregation = options.aggregation ?? metric.aggregation;
  const bucketing = { maxDataPoints: options.maxDataPoints, aggregation, ...intervalOf(options) };
  const { source } = metric;
  if (source.kind === 'stored') {
    return downsample(sliceRange(source.columns, range), range, bucketing);
  }
  const count = countPoints(range, source.generator.step);
  if (count <= GENERATE_EXACT_LIMIT) {
    return downsample(generate(source.generator, range), range, bucketing);
  }
  const width = planBucketWidth(range, options.maxDataPoints, options.intervalMs);
  return generateBuckets(source.generator, range, width, aggregation);
}

function intervalOf(options: ReadOptions): { intervalMs?: number } {
  return options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs };
}
