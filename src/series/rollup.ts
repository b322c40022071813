/**
 * Rollups: precomputed aggregates of a stored series, so a query over any range reads a bounded number of
 * values instead of every raw point.
 *
 * Level `L` (1-based) cuts the raw values into consecutive blocks of `fanout^L` points by index (block `b`
 * holds raw indices `[b·size, (b+1)·size)`) and keeps, per block, the sum, count, min, max and last of the
 * non-NaN values. Blocks are by index, not by time, so a block never needs to be split at a bucket edge:
 * a bucket is an index range found by binary search on the timestamps, and any index range is the union
 * of at most `2·(fanout-1)` blocks per level plus raw points at its two ends (see rollup-query.ts).
 * Only full blocks are kept; the tail of a series shorter than one block is read raw.
 *
 * Memory: per block 4 Float64 + 1 Uint32 = 36 bytes; over all levels about `36 / (fanout - 1)` bytes per
 * raw point, 2.4 at fanout 16 (raw storage is 16 bytes per point).
 */

/** Blocks per level grow by this factor: small enough to keep the edges cheap, large enough to keep memory low. */
export const ROLLUP_FANOUT = 16;

/** The aggregates of every full block of `size` consecutive raw points. */
export interface RollupLevel {
  /** Raw points per block: `fanout^L`. */
  readonly size: number;
  /** Sum of the block's non-NaN values (0 when it has none). */
  readonly sum: Float64Array;
  /** Number of non-NaN values. */
  readonly count: Uint32Array;
  /** Smallest non-NaN value; +Infinity when there is none. */
  readonly min: Float64Array;
  /** Largest non-NaN value; -Infinity when there is none. */
  readonly max: Float64Array;
  /** The last non-NaN value in index order; NaN when there is none. */
  readonly last: Float64Array;
}

export interface Rollup {
  readonly fanout: number;
  /** The raw values (level 0), shared with the series, never copied. */
  readonly values: Float64Array;
  /** Coarsest last; empty when the series is shorter than one block. */
  readonly levels: readonly RollupLevel[];
}

function emptyLevel(size: number, blocks: number): RollupLevel {
  return {
    size,
    sum: new Float64Array(blocks),
    count: new Uint32Array(blocks),
    min: new Float64Array(blocks),
    max: new Float64Array(blocks),
    last: new Float64Array(blocks),
  };
}

/** Level 1 straight from the raw values: one pass. */
function levelFromValues(values: Float64Array, fanout: number): RollupLevel {
  const blocks = Math.floor(values.length / fanout);
  const level = emptyLevel(fanout, blocks);
  const { sum, count, min, max, last } = level;
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    let c = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let l = Number.NaN;
    const end = (b + 1) * fanout;
    for (let i = b * fanout; i < end; i++) {
      const v = values[i] as number;
      if (v !== v) continue; // NaN: a gap, ignored by every aggregation
      s += v;
      c++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      l = v;
    }
    sum[b] = s;
    count[b] = c;
    min[b] = lo;
    max[b] = hi;
    last[b] = l;
  }
  return level;
}

/** The next level: every `fanout` consecutive blocks of `below` merged into one. */
function levelFromLevel(below: RollupLevel, fanout: number): RollupLevel {
  const blocks = Math.floor(below.sum.length / fanout);
  const level = emptyLevel(below.size * fanout, blocks);
  const { sum, count, min, max, last } = level;
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    let c = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let l = Number.NaN;
    const end = (b + 1) * fanout;
    for (let i = b * fanout; i < end; i++) {
      s += below.sum[i] as number;
      c += below.count[i] as number;
      const bl = below.min[i] as number;
      const bh = below.max[i] as number;
      const bt = below.last[i] as number;
      if (bl < lo) lo = bl;
      if (bh > hi) hi = bh;
      if (bt === bt) l = bt;
    }
    sum[b] = s;
    count[b] = c;
    min[b] = lo;
    max[b] = hi;
    last[b] = l;
  }
  return level;
}

/**
 * Builds every rollup level of `values` (NaN = gap) in O(n) time: level 1 from the raw values, each
 * further level from the one below, until a level would hold no full block.
 * @throws RangeError when `fanout` is not an integer >= 2.
 */
export function buildRollup(values: Float64Array, fanout: number = ROLLUP_FANOUT): Rollup {
  if (!Number.isInteger(fanout) || fanout < 2)
    throw new RangeError(`fanout must be an integer >= 2, got ${fanout}`);
  const levels: RollupLevel[] = [];
  if (values.length >= fanout) {
    let level = levelFromValues(values, fanout);
    levels.push(level);
    while (level.sum.length >= fanout) {
      level = levelFromLevel(level, fanout);
      levels.push(level);
    }
  }
  return { fanout, values, levels };
}

/** Bytes held by the rollup levels (not counting the raw values it shares with the series). */
export function rollupBytes(rollup: Rollup): number {
  let bytes = 0;
  for (const l of rollup.levels) {
    bytes += l.sum.byteLength + l.count.byteLength + l.min.byteLength + l.max.byteLength + l.last.byteLength;
  }
  return bytes;
}
