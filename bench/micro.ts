/**
 * In-process cost of the query engine alone (readSeries + encodeResults for 2 targets, 500 points), per
 * range: what the HTTP figures cannot separate from the framework. Median of a few batches.
 */
import { rollupFor, readSeries } from '../src/query/read';
import { pointReader } from '../src/sources/point';
import { encodeResults } from '../src/query/encode';
import type { SeriesResult } from '../src/query/run';
import type { TimeSeriesMetric } from '../src/registry/types';
import type { Columns, GeneratorSpec } from '../src/series/types';
import { median } from './drive';
import { END, MAX_DATA_POINTS, RANGES } from './scenarios';

export interface MicroRow {
  readonly metric: string;
  /** Microseconds per 2-target query, per range label: reading (slice, rollups, generation) and encoding. */
  readonly us: Record<string, { readonly read: number; readonly encode: number }>;
}

function metric(name: string, source: TimeSeriesMetric['source']): TimeSeriesMetric {
  return {
    kind: 'timeseries',
    name,
    displayName: undefined,
    labels: {},
    unit: undefined,
    aggregation: 'avg',
    source,
    reader: pointReader(source),
  };
}

const GENERATORS: Array<[string, GeneratorSpec]> = [
  [
    'generated sine, 1 min step',
    { type: 'sine', step: 60_000, period: 86_400_000, amplitude: 6, offset: 12, phase: 0 },
  ],
  [
    'generated randomWalk, 30 s step',
    { type: 'randomWalk', step: 30_000, seed: 11, start: 35, volatility: 2, min: 0, max: 100 },
  ],
];

export function microBench(stored: Columns, batches: number, batchMs: number): MicroRow[] {
  rollupFor(stored);
  const metrics = [
    metric('stored 1 s', { kind: 'stored', columns: stored }),
    ...GENERATORS.map(([name, generator]) => metric(name, { kind: 'generated', generator })),
  ];
  return metrics.map((m) => {
    const us: MicroRow['us'] = {};
    for (const [label, span] of RANGES) {
      const range = { from: END - span, to: END };
      const read = (): SeriesResult[] =>
        ['A', 'B'].map((refId) => ({
          kind: 'timeserie',
          refId,
          target: m.name,
          labels: {},
          unit: undefined,
          points: readSeries(m, range, { maxDataPoints: MAX_DATA_POINTS, intervalMs: undefined }),
        }));
      const results = read();
      us[label] = {
        read: timePerCall(read, batches, batchMs),
        encode: timePerCall(() => encodeResults(results), batches, batchMs),
      };
    }
    return { metric: m.name, us };
  });
}

/** Median over `batches` of the µs per call, each batch lasting about `batchMs`. */
function timePerCall(f: () => unknown, batches: number, batchMs: number): number {
  const t1 = performance.now();
  f();
  const perBatch = Math.max(1, Math.min(2000, Math.ceil(batchMs / Math.max(0.001, performance.now() - t1))));
  for (let i = 0; i < perBatch; i++) f();
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) f();
    times.push(((performance.now() - t0) * 1000) / perBatch);
  }
  return median(times);
}
