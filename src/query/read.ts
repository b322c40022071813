/**
 * Synchronous reads of the two built-in sources, for in-process measurement (bench/micro.ts) and callers
 * that hold a stored or generated series. The /query pipeline reads every series through its
 * SeriesReader (src/sources) instead.
 */
import type { TimeSeriesMetric } from '../registry/types';
import type { Aggregation, Columns, TimeRange } from '../series/types';
import { readGenerated } from '../sources/generated';
import { readStored, rollupFor } from '../sources/stored';

export { GENERATE_EXACT_POINTS_PER_BUCKET, GENERATED_SAMPLES_PER_BUCKET } from '../sources/generated';
export { rollupFor };

export interface ReadOptions {
  readonly maxDataPoints: number;
  readonly intervalMs: number | undefined;
  /** Overrides the metric's declared aggregation. */
  readonly aggregation?: Aggregation;
}

/**
 * The points of a stored or generated series inside the range, never more than maxDataPoints: exactly
 * what their readers answer.
 *
 * @throws TypeError for a series read through a reader of its own (it can only be read asynchronously).
 */
export function readSeries(metric: TimeSeriesMetric, range: TimeRange, options: ReadOptions): Columns {
  const bucketing = {
    maxDataPoints: options.maxDataPoints,
    intervalMs: options.intervalMs,
    aggregation: options.aggregation ?? metric.aggregation,
  };
  const { source } = metric;
  if (source.kind === 'stored') return readStored(source.columns, range, bucketing);
  if (source.kind === 'generated') return readGenerated(source.generator, range, bucketing);
  throw new TypeError(
    `metric ${JSON.stringify(metric.name)} has a reader: read it through the /query pipeline`,
  );
}
