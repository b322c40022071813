import fc from 'fast-check';
import { columnsFromPoints, gapToNull, lowerBound, type Point, sliceRange, upperBound } from './columnar';
import type { Columns } from './types';

const cols = (times: number[], values: number[]): Columns => ({
  times: Float64Array.from(times),
  values: Float64Array.from(values),
});

describe('columnsFromPoints', () => {
  it.each<[string, Point[], number[], number[]]>([
    ['empty', [], [], []],
    [
      'sorted',
      [
        [1, 10],
        [2, 20],
      ],
      [10, 20],
      [1, 2],
    ],
    [
      'unsorted',
      [
        [3, 30],
        [1, 10],
        [2, 20],
      ],
      [10, 20, 30],
      [1, 2, 3],
    ],
    [
      'stable on equal times',
      [
        [1, 20],
        [2, 10],
        [3, 20],
        [4, 10],
      ],
      [10, 10, 20, 20],
      [2, 4, 1, 3],
    ],
    [
      'null is NaN',
      [
        [null, 10],
        [5, 20],
      ],
      [10, 20],
      [Number.NaN, 5],
    ],
    [
      'negative times',
      [
        [1, -5],
        [2, -10],
      ],
      [-10, -5],
      [2, 1],
    ],
  ])('%s', (_name, points, times, values) => {
    const out = columnsFromPoints(points);
    expect(Array.from(out.times)).toEqual(times);
    expect(Array.from(out.values)).toEqual(values);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects timestamp %p', (t) => {
    expect(() =>
      columnsFromPoints([
        [1, 0],
        [2, t],
      ]),
    ).toThrow(/point 1 has a non-finite timestamp/);
  });

  it('does not mutate its input', () => {
    const points: Point[] = [
      [2, 20],
      [1, 10],
    ];
    columnsFromPoints(points);
    expect(points).toEqual([
      [2, 20],
      [1, 10],
    ]);
  });
});

describe('gapToNull', () => {
  it.each([
    [Number.NaN, null],
    [0, 0],
    [-1.5, -1.5],
    [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  ])('%d → %j', (value, expected) => {
    expect(gapToNull(value)).toBe(expected);
  });

  it('round-trips the gaps of columnsFromPoints', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(fc.integer(), { nil: null }), fc.integer({ min: -1e6, max: 1e6 }))),
        (points) => {
          const sorted = [...points].sort((a, b) => a[1] - b[1]);
          const { times, values } = columnsFromPoints(points);
          expect(Array.from(times, (t, i) => [gapToNull(values[i] as number), t])).toEqual(sorted);
        },
      ),
    );
  });
});

describe('lowerBound / upperBound', () => {
  const times = Float64Array.from([10, 20, 20, 30]);
  it.each([
    [5, 0, 0],
    [10, 0, 1],
    [15, 1, 1],
    [20, 1, 3],
    [30, 3, 4],
    [35, 4, 4],
  ])('t = %p → lower %p, upper %p', (t, lower, upper) => {
    expect(lowerBound(times, t)).toBe(lower);
    expect(upperBound(times, t)).toBe(upper);
  });

  it('on an empty array', () => {
    expect(lowerBound(new Float64Array(0), 1)).toBe(0);
    expect(upperBound(new Float64Array(0), 1)).toBe(0);
  });
});

describe('sliceRange', () => {
  const series = cols([10, 20, 30, 40], [1, 2, 3, 4]);
  it.each([
    [{ from: 20, to: 30 }, [20, 30]],
    [{ from: 15, to: 35 }, [20, 30]],
    [{ from: 0, to: 100 }, [10, 20, 30, 40]],
    [{ from: 40, to: 40 }, [40]],
    [{ from: 41, to: 50 }, []],
    [{ from: 0, to: 5 }, []],
    [{ from: 30, to: 20 }, []],
  ])('%p → %p', (range, expected) => {
    const out = sliceRange(series, range);
    expect(Array.from(out.times)).toEqual(expected);
    expect(Array.from(out.values)).toEqual(expected.map((t) => t / 10));
  });

  it('returns views sharing the input buffer', () => {
    const out = sliceRange(series, { from: 20, to: 30 });
    expect(out.times.buffer).toBe(series.times.buffer);
    expect(out.values.buffer).toBe(series.values.buffer);
  });

  it('equals a naive filter', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -100, max: 100 })),
        fc.integer({ min: -120, max: 120 }),
        fc.integer({ min: -120, max: 120 }),
        (raw, a, b) => {
          const times = [...raw].sort((x, y) => x - y);
          const range = { from: Math.min(a, b), to: Math.max(a, b) };
          const out = sliceRange(
            cols(
              times,
              times.map((t) => t * 2),
            ),
            range,
          );
          const expected = times.filter((t) => t >= range.from && t <= range.to);
          expect(Array.from(out.times)).toEqual(expected);
          expect(Array.from(out.values)).toEqual(expected.map((t) => t * 2));
        },
      ),
    );
  });
});
