/**
 * Which of a metric's sources answers a request: its raw query, or one of its pre-aggregated rollups (a
 * rollup table or materialized view with a fixed bucket interval and its own query).
 *
 * A rollup serves when its interval still gives at least `maxDataPoints` buckets over the range and is
 * not wider than the request's interval: `interval ≤ min(range / maxDataPoints, intervalMs)`. Of those,
 * the coarsest is read (fewest rows); none → the raw query.
 */
import type { TimeRange } from '../series/types';

export interface RollupSource<Q> {
  /** Bucket width of the rollup, ms. */
  readonly intervalMs: number;
  readonly query: Q;
}

export interface RollupRequest {
  readonly range: TimeRange;
  readonly maxDataPoints: number;
  /** Grafana's interval; 0 or missing: not a bound. */
  readonly intervalMs?: number;
}

/** The widest bucket a rollup may have for `request` (Infinity when neither bound applies). */
export function rollupLimitMs(request: RollupRequest): number {
  const span = request.range.to - request.range.from;
  const perPoint = request.maxDataPoints > 0 ? span / request.maxDataPoints : Infinity;
  const interval = request.intervalMs !== undefined && request.intervalMs > 0 ? request.intervalMs : Infinity;
  return Math.min(perPoint, interval);
}

/** The coarsest rollup that fits `request`, or undefined for the raw query. A range of zero or less reads raw. */
export function chooseRollup<Q>(
  request: RollupRequest,
  rollups: readonly RollupSource<Q>[],
): RollupSource<Q> | undefined {
  if (!(request.range.to > request.range.from)) return undefined;
  const limit = rollupLimitMs(request);
  let best: RollupSource<Q> | undefined;
  for (const rollup of rollups) {
    if (!(rollup.intervalMs > 0) || rollup.intervalMs > limit) continue;
    if (best === undefined || rollup.intervalMs > best.intervalMs) best = rollup;
  }
  return best;
}
