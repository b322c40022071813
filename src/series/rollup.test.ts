import fc from 'fast-check';
import { downsample } from './buckets';
import { sliceRange } from './columnar';
import { buildRollup, ROLLUP_FANOUT, rollupBytes } from './rollup';
import { bucketEnd, downsampleRollup } from './rollup-query';
import { AGGREGATIONS, type Aggregation, type Columns, type TimeRange } from './types';

const NaN_ = Number.NaN;

describe('buildRollup', () => {
  it('keeps sum, count, min, max and last of the non-NaN values of every full block', () => {
    const values = Float64Array.from([1, NaN_, 3, 2, NaN_, NaN_, 5, 4, 7]);
    const { levels } = buildRollup(values, 2);
    expect(levels.map((l) => l.size)).toEqual([2, 4, 8]);
    const level1 = levels[0];
    expect(Array.from(level1?.sum ?? [])).toEqual([1, 5, 0, 9]);
    expect(Array.from(level1?.count ?? [])).toEqual([1, 2, 0, 2]);
    expect(Array.from(level1?.min ?? [])).toEqual([1, 2, Infinity, 4]);
    expect(Array.from(level1?.max ?? [])).toEqual([1, 3, -Infinity, 5]);
    expect(Array.from(level1?.last ?? [])).toEqual([1, 2, NaN_, 4]);
    const level2 = levels[1];
    expect(Array.from(level2?.sum ?? [])).toEqual([6, 9]);
    expect(Array.from(level2?.count ?? [])).toEqual([3, 2]);
    expect(Array.from(level2?.last ?? [])).toEqual([2, 4]);
    const level3 = levels[2];
    expect(Array.from(level3?.min ?? [])).toEqual([1]);
    expect(Array.from(level3?.max ?? [])).toEqual([5]);
  });

  it.each([
    [0, 0],
    [15, 0],
    [16, 1],
    [255, 1],
    [256, 2],
    [70_000, 4],
  ])('a series of %i points at the default fanout has %i levels', (n, levels) => {
    expect(buildRollup(new Float64Array(n)).levels).toHaveLength(levels);
  });

  it('costs about 36 / (fanout - 1) bytes per raw point', () => {
    const n = 16 ** 4;
    const bytes = rollupBytes(buildRollup(new Float64Array(n)));
    expect(bytes / n).toBeCloseTo(36 / (ROLLUP_FANOUT - 1), 1);
  });

  it.each([1, 0, 2.5, Number.NaN])('rejects fanout %p', (fanout) => {
    expect(() => buildRollup(new Float64Array(4), fanout)).toThrow(RangeError);
  });
});

describe('bucketEnd', () => {
  it('finds the first index of a later bucket from any guess', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        fc.integer({ min: -5, max: 80 }),
        (raw, width, startSeed, guess) => {
          const times = Float64Array.from(raw.sort((a, b) => a - b));
          const lo = startSeed % times.length;
          const bound = Math.floor((times[lo] as number) / width) + 1;
          let expected = lo;
          while (expected < times.length && (times[expected] as number) / width < bound) expected++;
          expect(bucketEnd(times, lo, times.length, bound, width, guess)).toBe(expected);
        },
      ),
    );
  });
});

/** Sorted times (duplicates allowed), values with gaps. */
const seriesArb = fc
  .array(
    fc.tuple(
      fc.integer({ min: -5000, max: 50_000 }),
      fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN_)),
    ),
    { maxLength: 400 },
  )
  .map((points): Columns => {
    points.sort((a, b) => a[0] - b[0]);
    return {
      times: Float64Array.from(points, (p) => p[0]),
      values: Float64Array.from(points, (p) => p[1]),
    };
  });

const rangeArb = fc
  .tuple(fc.integer({ min: -8000, max: 55_000 }), fc.integer({ min: 0, max: 60_000 }))
  .map(([from, span]): TimeRange => ({ from, to: from + span }));

const intervalArb = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 1, max: 5000 }),
  fc.double({ min: 0.5, max: 700, noNaN: true }),
);

/** Sums are added in another order through the rollup: equal to a few ulps of the magnitudes summed. */
function expectSameSeries(actual: Columns, expected: Columns, aggregation: Aggregation, scale: number): void {
  expect(Array.from(actual.times)).toEqual(Array.from(expected.times));
  expect(actual.values).toHaveLength(expected.values.length);
  expected.values.forEach((e, i) => {
    const a = actual.values[i] as number;
    if (aggregation === 'sum' || aggregation === 'avg') {
      if (Number.isNaN(e)) expect(a).toBeNaN();
      else expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-9 * scale);
    } else {
      expect(a).toBe(e);
    }
  });
}

describe('downsampleRollup', () => {
  it('equals downsample of the sliced raw points, for every aggregation and fanout', () => {
    fc.assert(
      fc.property(
        seriesArb,
        rangeArb,
        fc.integer({ min: 1, max: 60 }),
        intervalArb,
        fc.constantFrom(...AGGREGATIONS),
        fc.constantFrom(2, 3, 4, 16),
        (cols, range, maxDataPoints, intervalMs, aggregation, fanout) => {
          const opts = { maxDataPoints, aggregation, ...(intervalMs === undefined ? {} : { intervalMs }) };
          const expected = downsample(sliceRange(cols, range), range, opts);
          const actual = downsampleRollup(cols, buildRollup(cols.values, fanout), range, opts);
          const scale = cols.values.reduce((s, v) => (Number.isNaN(v) ? s : s + Math.abs(v)), 1);
          expectSameSeries(actual, expected, aggregation, scale);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('equals downsample on long evenly spaced series with runs of gaps and few, wide buckets', () => {
    // Runs of equal values or of NaN, so whole rollup blocks are empty and buckets span many blocks.
    const runsArb = fc
      .array(
        fc.tuple(
          fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constant(NaN_)),
          fc.integer({ min: 1, max: 40 }),
        ),
        { minLength: 1, maxLength: 120 },
      )
      .map((runs) => runs.flatMap(([v, length]) => Array.from({ length }, () => v)));
    fc.assert(
      fc.property(
        runsArb,
        fc.integer({ min: 1, max: 10 }),
        fc.tuple(fc.nat(), fc.nat()),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(...AGGREGATIONS),
        fc.constantFrom(2, 4, 16),
        (values, step, [a, b], maxDataPoints, aggregation, fanout) => {
          const cols = {
            times: Float64Array.from(values, (_, i) => i * step),
            values: Float64Array.from(values),
          };
          const span = values.length * step;
          const range = { from: Math.min(a, b) % span, to: Math.max(a, b) % (span + 1) };
          if (range.from > range.to) return;
          const opts = { maxDataPoints, aggregation };
          const expected = downsample(sliceRange(cols, range), range, opts);
          const actual = downsampleRollup(cols, buildRollup(cols.values, fanout), range, opts);
          expectSameSeries(actual, expected, aggregation, 1e3 * values.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a large evenly spaced series bucket by bucket, with edges inside blocks', () => {
    const n = 100_000;
    const times = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000);
    const values = Float64Array.from({ length: n }, (_, i) =>
      i % 997 === 0 ? NaN_ : Math.sin(i / 50) * 100,
    );
    const cols = { times, values };
    const rollup = buildRollup(values);
    const range = { from: (times[123] as number) + 1, to: (times[98_765] as number) - 1 };
    for (const aggregation of AGGREGATIONS) {
      // 7 s: a width that is no multiple of any block size, so every bucket edge cuts blocks.
      const opts = { maxDataPoints: 500, intervalMs: 7000, aggregation };
      const expected = downsample(sliceRange(cols, range), range, opts);
      expect(expected.times.length).toBeGreaterThan(400);
      expectSameSeries(downsampleRollup(cols, rollup, range, opts), expected, aggregation, 100 * n);
    }
  });

  it('returns views of the stored arrays when the range needs no downsampling', () => {
    const cols = { times: Float64Array.from([1, 2, 3, 4]), values: Float64Array.from([5, 6, 7, 8]) };
    const out = downsampleRollup(
      cols,
      buildRollup(cols.values, 2),
      { from: 2, to: 3 },
      {
        maxDataPoints: 5,
        aggregation: 'avg',
      },
    );
    expect(Array.from(out.values)).toEqual([6, 7]);
    expect(out.values.buffer).toBe(cols.values.buffer);
  });
});
