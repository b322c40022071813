/**
 * Stored points as a SeriesReader: sliced by binary search and, when the range holds more points than
 * maxDataPoints, aggregated through the series' rollup (the same result as `downsample`, read in
 * O(maxDataPoints) values whatever the range). The answer is already clipped and bucketed.
 */
import { buildRollup, type Rollup } from '../series/rollup';
import { downsampleRollup } from '../series/rollup-query';
import type { Aggregation, Columns, TimeRange } from '../series/types';
import type { Prepared, SeriesReader } from './types';

/**
 * Rollups of the stored series, built on first use and keyed by the series' columns object. Columns are
 * never mutated (see Columns), so a rollup stays valid for as long as its key lives; a WeakMap lets a
 * reloaded registry's old series and their rollups be collected together. It memoises a pure function,
 * so no answer ever depends on what was cached.
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

export interface Bucketing {
  readonly maxDataPoints: number;
  readonly intervalMs: number | undefined;
  readonly aggregation: Aggregation;
}

/** The stored points inside the range, never more than maxDataPoints (synchronously). */
export function readStored(columns: Columns, range: TimeRange, bucketing: Bucketing): Columns {
  const { maxDataPoints, aggregation, intervalMs } = bucketing;
  return downsampleRollup(columns, rollupFor(columns), range, {
    maxDataPoints,
    aggregation,
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
}

const PREPARED: Prepared = Object.freeze({ clipped: true, bucketed: true });

/** The reader of a stored series (columnar, sorted ascending by time). */
export function storedReader(columns: Columns): SeriesReader {
  return {
    prepared: PREPARED,
    describe: 'stored points',
    read: (request) => Promise.resolve(readStored(columns, request.range, request)),
    readNow: (request) => readStored(columns, request.range, request),
  };
}
