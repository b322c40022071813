/** Figures for the soak report: latency percentiles and the RSS trend. Pure functions, no I/O. */

/** The `p`-th percentile (0-100) of `sorted` (ascending), nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const list = Array.from(sorted);
  return {
    count: list.length,
    p50: percentile(list, 50),
    p90: percentile(list, 90),
    p99: percentile(list, 99),
    p999: percentile(list, 99.9),
    max: list.length === 0 ? Number.NaN : (list[list.length - 1] as number),
  };
}

export interface RssSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMb: number;
}

/** Least-squares slope of RSS against time, in MB per minute, over the samples given. */
export function slopeMbPerMinute(samples: readonly RssSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((s, x) => s + x.t, 0) / n;
  const meanR = samples.reduce((s, x) => s + x.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const { t, rssMb } of samples) {
    num += (t - meanT) * (rssMb - meanR);
    den += (t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

export interface RssVerdict {
  readonly warmupMb: number;
  readonly peakMb: number;
  readonly finalMb: number;
  readonly slopeAfterWarmup: number;
  /** True when RSS kept climbing after warm-up: the second half's slope is steep and the end is near the peak. */
  readonly growing: boolean;
}

/**
 * Whether RSS grows without bound. Warm-up (the first quarter: JIT, caches, socket buffers) is left
 * out; over the second half, a slope above `maxSlope` MB/min with the final sample above the warm-up
 * level by more than 50% is growth. A sawtooth from garbage collection has a flat slope.
 */
export function rssVerdict(samples: readonly RssSample[], maxSlope = 5): RssVerdict {
  const end = samples[samples.length - 1]?.t ?? 0;
  const afterWarmup = samples.filter((s) => s.t >= end / 4);
  const secondHalf = samples.filter((s) => s.t >= end / 2);
  const warmupMb = afterWarmup[0]?.rssMb ?? Number.NaN;
  const finalMb = samples[samples.length - 1]?.rssMb ?? Number.NaN;
  const slope = slopeMbPerMinute(secondHalf);
  return {
    warmupMb,
    peakMb: Math.max(...samples.map((s) => s.rssMb)),
    finalMb,
    slopeAfterWarmup: slopeMbPerMinute(afterWarmup),
    growing: slope > maxSlope && finalMb > warmupMb * 1.5,
  };
}
