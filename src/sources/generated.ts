/**
 * A deterministic generator as a SeriesReader: computed for the range only, and at bucket resolution
 * when the range holds many more raw points than maxDataPoints. The answer is already clipped and bucketed.
 */
import { downsample, planBucketWidth } from '../series/buckets';
import { countPoints, generate, generateBuckets } from '../series/generators';
import type { Columns, GeneratorSpec, TimeRange } from '../series/types';
import type { Bucketing } from './stored';
import type { Prepared, SeriesReader } from './types';

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

/** The generated points inside the range, never more than maxDataPoints (synchronously). */
export function readGenerated(spec: GeneratorSpec, range: TimeRange, bucketing: Bucketing): Columns {
  const { maxDataPoints, aggregation, intervalMs } = bucketing;
  if (countPoints(range, spec.step) <= GENERATE_EXACT_POINTS_PER_BUCKET * maxDataPoints) {
    return downsample(generate(spec, range), range, {
      maxDataPoints,
      aggregation,
      ...(intervalMs === undefined ? {} : { intervalMs }),
    });
  }
  const width = planBucketWidth(range, maxDataPoints, intervalMs);
  return generateBuckets(spec, range, width, aggregation, GENERATED_SAMPLES_PER_BUCKET);
}

const PREPARED: Prepared = Object.freeze({ clipped: true, bucketed: true });

/** The reader of a generated series. */
export function generatedReader(spec: GeneratorSpec): SeriesReader {
  return {
    prepared: PREPARED,
    describe: `generator "${spec.type}"`,
    read: (request) => Promise.resolve(readGenerated(spec, request.range, request)),
    readNow: (request) => readGenerated(spec, request.range, request),
  };
}
