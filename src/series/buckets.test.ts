import fc from 'fast-check';
import { downsample, planBucketWidth } from './buckets';
import { AGGREGATIONS, type Aggregation, type Columns, type TimeRange } from './types';

const cols = (times: number[], values: number[]): Columns => ({
  times: Float64Array.from(times),
  values: Float64Array.from(values),
});

const bucketCount = (range: TimeRange, w: number): number =>
  Math.floor(range.to / w) - Math.floor(range.from / w) + 1;

/** A straightforward reference: group by bucket in a Map, then reduce each group. */
function naive(series: Columns, range: TimeRange, width: number, aggregation: Aggregation): Columns {
  const groups = new Map<number, number[]>();
  series.times.forEach((t, i) => {
    if (t < range.from || t > range.to) return;
    const k = Math.floor(t / width);
    const group = groups.get(k) ?? [];
    group.push(series.values[i] as number);
    groups.set(k, group);
  });
  const times: number[] = [];
  const values: number[] = [];
  for (const [k, group] of groups) {
    const present = group.filter((v) => !Number.isNaN(v));
    times.push(k * width);
    if (present.length === 0) {
      values.push(Number.NaN);
      continue;
    }
    const sum = present.reduce((a, b) => a + b, 0);
    const byAggregation: Record<Aggregation, number> = {
      avg: sum / present.length,
      min: Math.min(...present),
      max: Math.max(...present),
      sum,
      last: present[present.length - 1] as number,
      count: present.length,
    };
    values.push(byAggregation[aggregation]);
  }
  return cols(times, values);
}

describe('planBucketWidth', () => {
  it.each<[string, TimeRange, number, number | undefined, number]>([
    ['a single instant needs one bucket', { from: 500, to: 500 }, 1, 1000, 1000],
    ['enough points: the interval itself', { from: 0, to: 9999 }, 10, 1000, 1000],
    ['aligned range one bucket over', { from: 0, to: 10_000 }, 10, 1000, 2000],
    ['straddling range', { from: 500, to: 10_499 }, 10, 1000, 2000],
    ['no interval: 1 ms steps', { from: 0, to: 99 }, 10, undefined, 10],
    ['non-positive interval is ignored', { from: 0, to: 99 }, 10, 0, 10],
    ['negative interval is ignored', { from: 0, to: 99 }, 10, -5, 10],
    ['one point, positive range', { from: 10, to: 20 }, 1, 1, 21],
    ['one point, negative range', { from: -20, to: -10 }, 1, 1, 20],
    // The count is not monotonic: w = 4 puts [5, 6] in one bucket, w = 6 needs two.
    ['non-monotonic count', { from: 5, to: 6 }, 1, 1, 4],
    ['six hours at 20 s', { from: 1_715_677_200_000, to: 1_715_698_800_000 }, 1083, 20_000, 20_000],
    ['six hours, 100 points', { from: 1_715_677_200_000, to: 1_715_698_800_000 }, 100, 20_000, 220_000],
  ])('%s', (_name, range, maxDataPoints, intervalMs, expected) => {
    const width = planBucketWidth(range, maxDataPoints, intervalMs);
    expect(width).toBe(expected);
    expect(bucketCount(range, width)).toBeLessThanOrEqual(maxDataPoints);
  });

  it.each([
    [{ from: 0, to: 10 }, 0],
    [{ from: 0, to: 10 }, Number.NaN],
    [{ from: 10, to: 0 }, 5],
    [{ from: 0, to: Number.POSITIVE_INFINITY }, 5],
  ])('rejects range %p with maxDataPoints %p', (range, maxDataPoints) => {
    expect(() => planBucketWidth(range, maxDataPoints)).toThrow(RangeError);
  });

  it('gives two buckets for one point when the range contains the epoch (no width does better)', () => {
    const range = { from: -10, to: 10 };
    expect(bucketCount(range, planBucketWidth(range, 1, 3))).toBe(2);
  });

  it('is fast on a huge gap between the bounds', () => {
    // span / (n (n - 1)) = 5e8 candidate widths: a linear search would take seconds.
    const started = performance.now();
    const range = { from: 1_700_000_000_000, to: 1_701_000_000_000 };
    const width = planBucketWidth(range, 2, 1);
    expect(performance.now() - started).toBeLessThan(100);
    expect(bucketCount(range, width)).toBeLessThanOrEqual(2);
    expect(bucketCount(range, width - 1)).toBeGreaterThan(2);
  });

  const inputs = fc
    .record({
      from: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1.6e12, max: 1.8e12 })),
      span: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1e9 })),
      maxDataPoints: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2000 })),
      intervalMs: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
    })
    .filter(({ from, span, maxDataPoints }) => !(maxDataPoints === 1 && from < 0 && from + span >= 0));

  it('is a multiple of intervalMs that fits, and one interval less does not', () => {
    fc.assert(
      fc.property(inputs, ({ from, span, maxDataPoints, intervalMs }) => {
        const range = { from, to: from + span };
        const unit = intervalMs ?? 1;
        const width = planBucketWidth(range, maxDataPoints, intervalMs);
        expect(width % unit).toBe(0);
        expect(width).toBeGreaterThanOrEqual(unit);
        expect(bucketCount(range, width)).toBeLessThanOrEqual(maxDataPoints);
        if (width > unit) expect(bucketCount(range, width - unit)).toBeGreaterThan(maxDataPoints);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('downsample', () => {
  const series = cols([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 5, Number.NaN, 3, Number.NaN, Number.NaN, 2, 4, 6]);
  const range = { from: 0, to: 8 };
  // Width 3 (maxDataPoints 3, 3 ms interval): buckets [0,3) [3,6) [6,9).
  it.each<[Aggregation, number[]]>([
    ['avg', [3, 3, 4]],
    ['min', [1, 3, 2]],
    ['max', [5, 3, 6]],
    ['sum', [6, 3, 12]],
    ['last', [5, 3, 6]],
    ['count', [2, 1, 3]],
  ])('%s', (aggregation, values) => {
    const out = downsample(series, range, { maxDataPoints: 3, intervalMs: 3, aggregation });
    expect(Array.from(out.times)).toEqual([0, 3, 6]);
    expect(Array.from(out.values)).toEqual(values);
  });

  it.each(AGGREGATIONS)('%s: a bucket of gaps stays a gap', (aggregation) => {
    const gappy = cols([0, 1, 2, 3], [Number.NaN, Number.NaN, 7, 7]);
    const out = downsample(gappy, { from: 0, to: 3 }, { maxDataPoints: 2, intervalMs: 2, aggregation });
    expect(out.values[0]).toBeNaN();
    expect(out.values[1]).not.toBeNaN();
  });

  it('returns a series that already fits as the same object', () => {
    expect(downsample(series, range, { maxDataPoints: 9, aggregation: 'avg' })).toBe(series);
  });

  it('omits empty buckets, stamps each bucket at its start, and sizes arrays exactly', () => {
    const sparse = cols([5, 6, 7, 95], [1, 2, 3, 4]);
    const out = downsample(
      sparse,
      { from: 5, to: 95 },
      { maxDataPoints: 3, intervalMs: 10, aggregation: 'sum' },
    );
    // 90 ms in 3 buckets: width 40 → buckets 0 (stamped 0, before from) and 2 (at 80); bucket 1 is empty.
    expect(Array.from(out.times)).toEqual([0, 80]);
    expect(Array.from(out.values)).toEqual([6, 4]);
    expect(out.times.length).toBe(2);
    expect(out.times.buffer.byteLength).toBe(16);
  });

  it('ignores points outside the range', () => {
    const out = downsample(
      cols([-5, 0, 1, 2, 50], [100, 1, 2, 3, 100]),
      { from: 0, to: 2 },
      {
        maxDataPoints: 1,
        aggregation: 'sum',
      },
    );
    expect(Array.from(out.times)).toEqual([0]);
    expect(Array.from(out.values)).toEqual([6]);
  });

  it('answers one point for a range around the epoch', () => {
    const out = downsample(
      cols([-2, -1, 1, 2], [1, 2, 3, 4]),
      { from: -2, to: 2 },
      {
        maxDataPoints: 1,
        aggregation: 'sum',
      },
    );
    // Width 5: buckets -1 and 0 both touch the range; the one point is stamped at the first one's start.
    expect(Array.from(out.times)).toEqual([-5]);
    expect(Array.from(out.values)).toEqual([10]);
  });

  it('does not mutate its input', () => {
    const copy = cols(Array.from(series.times), Array.from(series.values));
    downsample(series, range, { maxDataPoints: 2, aggregation: 'avg' });
    expect(series).toEqual(copy);
  });

  const arbitrary = fc
    .record({
      from: fc.oneof(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: 1.6e12, max: 1.8e12 })),
      span: fc.integer({ min: 0, max: 100_000 }),
      maxDataPoints: fc.integer({ min: 1, max: 60 }),
      intervalMs: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      aggregation: fc.constantFrom(...AGGREGATIONS),
      points: fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.oneof(
            // + 0 turns -0 into 0: min/max may pick either zero, and toEqual tells them apart.
            fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v + 0),
            fc.constant(Number.NaN),
          ),
        ),
        { maxLength: 300 },
      ),
    })
    .map(({ from, span, points, ...rest }) => {
      const times = points.map(([f]) => from + Math.round(f * span)).sort((a, b) => a - b);
      return {
        ...rest,
        range: { from, to: from + span },
        series: cols(
          times,
          points.map(([, v]) => v),
        ),
      };
    });

  it('never exceeds maxDataPoints; buckets are stamped at multiples of the width touching the range, strictly ascending', () => {
    fc.assert(
      fc.property(arbitrary, ({ range, series, maxDataPoints, intervalMs, aggregation }) => {
        const opts =
          intervalMs === undefined
            ? { maxDataPoints, aggregation }
            : { maxDataPoints, intervalMs, aggregation };
        const out = downsample(series, range, opts);
        expect(out.times.length).toBe(out.values.length);
        expect(out.times.length).toBeLessThanOrEqual(maxDataPoints);
        const width = planBucketWidth(range, maxDataPoints, intervalMs);
        out.times.forEach((t, i) => {
          if (out === series) expect(t).toBeGreaterThanOrEqual(range.from);
          else {
            expect(t % width === 0 || Object.is(t % width, -0)).toBe(true);
            expect(t + width).toBeGreaterThan(range.from);
          }
          expect(t).toBeLessThanOrEqual(range.to);
          // A series that already fits comes back as is, duplicate timestamps included.
          if (i > 0 && out !== series) expect(t).toBeGreaterThan(out.times[i - 1] as number);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('count sums to the number of non-NaN points', () => {
    fc.assert(
      fc.property(arbitrary, ({ range, series, maxDataPoints }) => {
        // A series that already fits is not aggregated at all.
        fc.pre(series.times.length > maxDataPoints);
        const out = downsample(series, range, { maxDataPoints, aggregation: 'count' });
        const total = Array.from(out.values).reduce((a, v) => (Number.isNaN(v) ? a : a + v), 0);
        expect(total).toBe(Array.from(series.values).filter((v) => !Number.isNaN(v)).length);
      }),
      { numRuns: 500 },
    );
  });

  it.each<Aggregation>(['sum', 'min', 'max', 'last', 'avg'])(
    '%s agrees with a naive reference',
    (aggregation) => {
      fc.assert(
        fc.property(arbitrary, ({ range, series, maxDataPoints, intervalMs }) => {
          // The reference cannot do the epoch case's merge of two buckets into one.
          fc.pre(!(maxDataPoints === 1 && range.from < 0 && range.to >= 0));
          const opts =
            intervalMs === undefined
              ? { maxDataPoints, aggregation }
              : { maxDataPoints, intervalMs, aggregation };
          const out = downsample(series, range, opts);
          if (out === series) return;
          const expected = naive(
            series,
            range,
            planBucketWidth(range, maxDataPoints, intervalMs),
            aggregation,
          );
          expect(Array.from(out.times)).toEqual(Array.from(expected.times));
          expect(Array.from(out.values)).toEqual(Array.from(expected.values));
        }),
        { numRuns: 300 },
      );
    },
  );
});
