import fc from 'fast-check';
import { countPoints, generate, generateBuckets, MAX_SAMPLES_PER_BUCKET, valueAt } from './generators';
import { AGGREGATIONS, type Aggregation, type Columns, type GeneratorSpec, type TimeRange } from './types';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T = Date.UTC(2024, 4, 14, 9, 30); // 2024-05-14T09:30:00Z

const sine = { type: 'sine', step: MINUTE, period: HOUR, amplitude: 10, offset: 5, phase: 0 } as const;
const walk = {
  type: 'randomWalk',
  step: MINUTE,
  seed: 42,
  start: 50,
  volatility: 1,
  min: 0,
  max: 100,
} as const;
const SPECS: readonly GeneratorSpec[] = [
  sine,
  walk,
  { type: 'counter', step: MINUTE, rate: 2, start: 100, resetEvery: DAY },
  { type: 'step', step: MINUTE, every: 10 * MINUTE, values: [1, 2, 3] },
  { type: 'square', step: MINUTE, period: HOUR, low: 0, high: 1, duty: 0.25 },
  { type: 'constant', step: MINUTE, value: 7 },
];

/** Exact aggregation of raw points by bucket k = floor(t / width): the reference for generateBuckets. */
function aggregateExactly(raw: Columns, range: TimeRange, width: number, how: Aggregation): Columns {
  const groups = new Map<number, number[]>();
  raw.times.forEach((t, i) => {
    const k = Math.floor(t / width);
    const group = groups.get(k) ?? [];
    group.push(raw.values[i] ?? Number.NaN);
    groups.set(k, group);
  });
  const times: number[] = [];
  const values: number[] = [];
  for (const [k, group] of groups) {
    const sum = group.reduce((a, b) => a + b, 0);
    const reduced = {
      avg: sum / group.length,
      min: Math.min(...group),
      max: Math.max(...group),
      sum,
      last: group[group.length - 1] ?? Number.NaN,
      count: group.length,
    }[how];
    times.push(k * width);
    values.push(reduced);
  }
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

describe('valueAt', () => {
  it.each<[string, GeneratorSpec, number, number]>([
    ['sine at 0', sine, 0, 5],
    ['sine at a quarter period', sine, HOUR / 4, 15],
    ['sine at three quarters', sine, (3 * HOUR) / 4, -5],
    ['sine before the epoch', sine, -HOUR / 4, -5],
    ['sine with a phase', { ...sine, phase: HOUR / 4 }, 0, 15],
    ['sine far from the epoch', sine, T - 30 * MINUTE + HOUR / 4, 15], // T - 30 min is a whole hour
    ['counter at the epoch', { type: 'counter', step: 1, rate: 2, start: 100 }, 0, 100],
    ['counter after 10 s', { type: 'counter', step: 1, rate: 2, start: 100 }, 10_000, 120],
    [
      'counter before a reset',
      { type: 'counter', step: 1, rate: 2, start: 100, resetEvery: 60_000 },
      59_000,
      218,
    ],
    [
      'counter at a reset',
      { type: 'counter', step: 1, rate: 2, start: 100, resetEvery: 60_000 },
      120_000,
      100,
    ],
    [
      'counter just after a reset',
      { type: 'counter', step: 1, rate: 2, start: 100, resetEvery: 60_000 },
      61_000,
      102,
    ],
    ['step, first value', { type: 'step', step: 1, every: 1_000, values: [1, 2, 3] }, 999, 1],
    ['step, second value', { type: 'step', step: 1, every: 1_000, values: [1, 2, 3] }, 1_000, 2],
    ['step, wrapping', { type: 'step', step: 1, every: 1_000, values: [1, 2, 3] }, 3_500, 1],
    ['step before the epoch', { type: 'step', step: 1, every: 1_000, values: [1, 2, 3] }, -1, 3],
    ['step with no values', { type: 'step', step: 1, every: 1_000, values: [] }, 0, Number.NaN],
    [
      'square, start of period',
      { type: 'square', step: 1, period: 1_000, low: 0, high: 1, duty: 0.25 },
      0,
      1,
    ],
    ['square, end of duty', { type: 'square', step: 1, period: 1_000, low: 0, high: 1, duty: 0.25 }, 249, 1],
    ['square, after duty', { type: 'square', step: 1, period: 1_000, low: 0, high: 1, duty: 0.25 }, 250, 0],
    [
      'square, next period',
      { type: 'square', step: 1, period: 1_000, low: 0, high: 1, duty: 0.25 },
      1_000,
      1,
    ],
    [
      'square before the epoch',
      { type: 'square', step: 1, period: 1_000, low: 0, high: 1, duty: 0.25 },
      -1,
      0,
    ],
    [
      'square before the epoch, high',
      { type: 'square', step: 1, period: 1_000, low: 0, high: 1, duty: 0.25 },
      -800,
      1,
    ],
    ['constant', { type: 'constant', step: 1, value: 7 }, T, 7],
  ])('%s', (_name, spec, t, expected) => {
    if (Number.isNaN(expected)) expect(valueAt(spec, t)).toBeNaN();
    else expect(valueAt(spec, t)).toBeCloseTo(expected, 9);
  });

  it('gives the same random walk on every machine (golden values)', () => {
    expect([0, MINUTE, 1_715_677_200_000, 1_715_677_260_000, -MINUTE].map((t) => valueAt(walk, t))).toEqual([
      5.057761177580687, 6.4326437356224915, 85.71299271450067, 85.43176050502052, 5.453983632672134,
    ]);
  });

  it('holds a random walk constant within a step', () => {
    expect(valueAt(walk, T + 1)).toBe(valueAt(walk, T));
    expect(valueAt(walk, T + MINUTE - 1)).toBe(valueAt(walk, T));
  });

  it('gives different walks for different seeds (fractional and negative seeds included)', () => {
    const seeds = [0, 1, 42, -7, 0.5, 2 ** 40];
    const values = new Set(seeds.map((seed) => valueAt({ ...walk, seed }, T)));
    expect(values.size).toBe(seeds.length);
  });

  it('keeps a degenerate walk still', () => {
    expect(valueAt({ ...walk, min: 3, max: 3 }, T)).toBe(3);
    expect(valueAt({ ...walk, volatility: 0 }, T)).toBe(50);
  });
});

describe('generate', () => {
  it.each(SPECS.map((spec) => [spec.type, spec] as const))(
    '%s is deterministic and equals valueAt',
    (_t, spec) => {
      const range = { from: T - DAY, to: T };
      const a = generate(spec, range);
      const b = generate(spec, range);
      expect(a).toEqual(b);
      // Evaluated one by one, backwards: the result does not depend on the order of evaluation.
      for (let i = a.times.length - 1; i >= 0; i -= 7) {
        expect(valueAt(spec, a.times[i] ?? 0)).toBe(a.values[i]);
      }
    },
  );

  it('puts points at the multiples of step inside the range, all of them, ascending', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (fromSeconds, span, step) => {
          const range = { from: fromSeconds * 1_000 + 17, to: fromSeconds * 1_000 + 17 + span };
          const { times, values } = generate({ type: 'constant', step, value: 1 }, range);
          expect(times.length).toBe(countPoints(range, step));
          expect(values.length).toBe(times.length);
          const first = times[0];
          const last = times[times.length - 1];
          if (first === undefined || last === undefined) {
            expect(Math.ceil(range.from / step) * step).toBeGreaterThan(range.to); // truly no multiple inside
            return;
          }
          expect(first % step === 0).toBe(true); // -0 and 0 both pass
          expect(first).toBeGreaterThanOrEqual(range.from);
          expect(first - step).toBeLessThan(range.from);
          expect(last).toBeLessThanOrEqual(range.to);
          expect(last + step).toBeGreaterThan(range.to);
          // One expect per point would dominate the run time: check the spacing in a plain loop.
          let evenlySpaced = true;
          for (let i = 1; i < times.length; i++) {
            if ((times[i] ?? 0) - (times[i - 1] ?? 0) !== step) evenlySpaced = false;
          }
          expect(evenlySpaced).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('includes both bounds when they are multiples of step', () => {
    const { times } = generate(sine, { from: T - HOUR, to: T });
    expect(times[0]).toBe(T - HOUR);
    expect(times[times.length - 1]).toBe(T);
    expect(times.length).toBe(61);
  });

  it('does not move timestamps with `from`', () => {
    const wide = generate(walk, { from: T - DAY, to: T });
    const narrow = generate(walk, { from: T - HOUR + 12_345, to: T });
    const offset = wide.times.indexOf(narrow.times[0] ?? Number.NaN);
    expect(offset).toBeGreaterThan(0);
    expect(wide.times.subarray(offset)).toEqual(narrow.times);
    expect(wide.values.subarray(offset)).toEqual(narrow.values);
  });

  it('takes a step other than the spec’s', () => {
    const { times } = generate(sine, { from: T - HOUR, to: T }, 15 * MINUTE);
    expect(Array.from(times)).toEqual([T - HOUR, T - 45 * MINUTE, T - 30 * MINUTE, T - 15 * MINUTE, T]);
  });

  it.each<[string, TimeRange]>([
    ['no multiple of step inside', { from: T + 1, to: T + MINUTE - 1 }],
    ['from after to', { from: T, to: T - HOUR }],
  ])('is empty when %s', (_name, range) => {
    expect(countPoints(range, MINUTE)).toBe(0);
    expect(generate(sine, range).times.length).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses step %p', (step) => {
    expect(() => generate(sine, { from: 0, to: 1 }, step)).toThrow('step must be a finite number > 0');
    expect(() => countPoints({ from: 0, to: 1 }, step)).toThrow(Error);
    expect(() => generateBuckets({ ...sine, step }, { from: 0, to: 1 }, 1, 'avg')).toThrow(Error);
  });

  it('refuses a range with non-finite bounds', () => {
    expect(() => countPoints({ from: 0, to: Number.POSITIVE_INFINITY }, 1)).toThrow(
      'range must have finite bounds',
    );
  });

  it('counts in O(1), even for ranges far too large to generate', () => {
    expect(countPoints({ from: 0, to: 50 * 365 * DAY }, 1)).toBe(50 * 365 * DAY + 1);
  });
});

describe('randomWalk', () => {
  it('stays within [min, max] over long ranges', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: -1_000, max: 1_000, noNaN: true }),
        fc.double({ min: 0.001, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.integer({ min: 0, max: 50 * 365 }),
        (seed, min, span, volatility, startDay) => {
          const spec = {
            type: 'randomWalk',
            step: 5 * MINUTE,
            seed,
            start: min + span / 2,
            volatility,
            min,
            max: min + span,
          } as const;
          const from = startDay * DAY;
          const { values } = generate(spec, { from, to: from + 14 * DAY });
          let low = Number.POSITIVE_INFINITY;
          let high = Number.NEGATIVE_INFINITY;
          for (const v of values) {
            low = Math.min(low, v);
            high = Math.max(high, v);
          }
          expect(low).toBeGreaterThanOrEqual(min);
          expect(high).toBeLessThanOrEqual(min + span);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('wanders like a random walk: step changes of about `volatility`, spread growing like sqrt(lag)', () => {
    const free = { ...walk, volatility: 2, min: -1e9, max: 1e9 };
    const { values } = generate(free, { from: T, to: T + 60 * DAY });
    const rms = (lag: number): number => {
      let sum = 0;
      let n = 0;
      for (let i = 0; i + lag < values.length; i++) {
        sum += ((values[i + lag] ?? 0) - (values[i] ?? 0)) ** 2;
        n++;
      }
      return Math.sqrt(sum / n);
    };
    expect(rms(1)).toBeGreaterThan(1.8);
    expect(rms(1)).toBeLessThan(2.2);
    for (const lag of [4, 16, 64, 256]) {
      const ratio = rms(lag) / (2 * Math.sqrt(lag));
      expect(ratio).toBeGreaterThan(0.8);
      expect(ratio).toBeLessThan(1.25);
    }
  });
});

describe('generateBuckets', () => {
  const cases = AGGREGATIONS.flatMap((how) => SPECS.map((spec) => [how, spec.type, spec] as const));

  it.each(cases)('%s of %s equals exact aggregation when buckets hold <= 64 points', (how, _type, spec) => {
    const range = { from: T - DAY + 12_345, to: T - 4_321 };
    const width = 40 * MINUTE; // 40 raw points per bucket
    const buckets = generateBuckets(spec, range, width, how);
    const exact = aggregateExactly(generate(spec, range), range, width, how);
    expect(buckets.times).toEqual(exact.times);
    expect(buckets.values.length).toBe(exact.values.length);
    exact.values.forEach((v, i) => {
      expect(buckets.values[i]).toBeCloseTo(v, 9);
    });
  });

  it.each(cases)('%s of %s approximates large buckets as documented', (how, _type, spec) => {
    const range = { from: T - 2 * DAY + 7_000, to: T };
    const width = 6 * HOUR; // 360 raw points per bucket
    const buckets = generateBuckets(spec, range, width, how);
    const exact = aggregateExactly(generate(spec, range), range, width, how);
    expect(buckets.times).toEqual(exact.times);
    const exactAvg = aggregateExactly(generate(spec, range), range, width, 'avg').values;
    const exactCount = aggregateExactly(generate(spec, range), range, width, 'count').values;
    exact.values.forEach((v, i) => {
      const got = buckets.values[i] ?? Number.NaN;
      if (how === 'last' || how === 'count') expect(got).toBe(v);
      if (how === 'min') expect(got).toBeGreaterThanOrEqual(v);
      if (how === 'max') expect(got).toBeLessThanOrEqual(v);
      if (how === 'avg') expect(Math.abs(got - v)).toBeLessThanOrEqual(0.2 * (Math.abs(v) + 1));
      if (how === 'sum') {
        const sampleAvg = got / (exactCount[i] ?? 1);
        expect(Math.abs(sampleAvg - (exactAvg[i] ?? 0))).toBeLessThanOrEqual(
          0.2 * (Math.abs(exactAvg[i] ?? 0) + 1),
        );
      }
    });
  });

  it('reports the raw point count exactly, never too many buckets, at the convention’s timestamps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 2_000_000 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 1, max: 3_000_000_000 }),
        (fromMinutes, span, step, width) => {
          const range = { from: fromMinutes * MINUTE + 7, to: fromMinutes * MINUTE + 7 + span };
          const raw = countPoints(range, step);
          fc.pre(Math.min(raw, Math.ceil(span / width) + 1) <= 20_000); // keep each run cheap
          const spec = { type: 'constant', step, value: 1 } as const;
          const { times, values } = generateBuckets(spec, range, width, 'count');
          expect(values.reduce((a, b) => a + b, 0)).toBe(raw);
          expect(times.length).toBeLessThanOrEqual(Math.ceil((range.to - range.from) / width) + 1);
          expect(times.length).toBeLessThanOrEqual(raw);
          const wrong: string[] = [];
          times.forEach((t, i) => {
            const k = Math.floor(t / width);
            if (t !== k * width) wrong.push(`time ${t} is not k·width`);
            if (t + width <= range.from) wrong.push(`bucket at ${t} ends before from`);
            if (t > range.to) wrong.push(`time ${t} is after to`);
            if (i > 0 && t <= (times[i - 1] ?? 0)) wrong.push(`time ${t} is not ascending`);
            if (!((values[i] ?? 0) > 0)) wrong.push(`bucket at ${t} is empty`);
          });
          expect(wrong.slice(0, 3)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the exact last raw value in every bucket', () => {
    const range = { from: T - 3 * DAY, to: T - 1 };
    const spec = { ...walk, step: 1_000 };
    const width = 2 * HOUR;
    const buckets = generateBuckets(spec, range, width, 'last');
    buckets.times.forEach((t, i) => {
      const bucketEnd = Math.min(range.to, (Math.floor(t / width) + 1) * width - 1);
      const lastRaw = Math.floor(bucketEnd / spec.step) * spec.step;
      expect(buckets.values[i]).toBe(valueAt(spec, lastRaw));
    });
  });

  it('costs O(buckets × 64) whatever the range: 50 years of 1 ms points', () => {
    const range = { from: 0, to: 50 * 365 * DAY };
    const width = Math.ceil(range.to / 1_000);
    const counter = { type: 'counter', step: 1, rate: 1, start: 0 } as const;
    const started = performance.now();
    const counts = generateBuckets(counter, range, width, 'count');
    const sums = generateBuckets(counter, range, width, 'sum');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(counts.times.length).toBeLessThanOrEqual(1_001);
    expect(counts.values.reduce((a, b) => a + b, 0)).toBe(range.to + 1);
    // A linear counter: the sample average is the exact average, so sum is exact up to rounding.
    sums.values.forEach((sum, i) => {
      const k = Math.floor((sums.times[i] ?? 0) / width);
      const first = Math.max(k * width, range.from);
      const last = Math.min((k + 1) * width - 1, range.to);
      const exact = ((first + last) / 2 / 1_000) * (last - first + 1);
      expect(Math.abs(sum - exact) / exact).toBeLessThan(1e-6);
    });
    expect(MAX_SAMPLES_PER_BUCKET).toBe(64);
  });

  it('makes one bucket per raw point when buckets are narrower than the step', () => {
    const range = { from: T - HOUR, to: T };
    const buckets = generateBuckets(sine, range, 1_000, 'avg');
    const raw = generate(sine, range);
    expect(buckets).toEqual(raw);
  });

  it('is empty for a range without raw points', () => {
    const buckets = generateBuckets(sine, { from: T + 1, to: T + 2 }, HOUR, 'avg');
    expect(buckets.times.length).toBe(0);
    expect(buckets.values.length).toBe(0);
  });

  it.each([0, -5, Number.NaN])('refuses bucket width %p', (width) => {
    expect(() => generateBuckets(sine, { from: 0, to: HOUR }, width, 'avg')).toThrow('bucket width must be');
  });
});

describe('generateBuckets with a smaller sample budget', () => {
  const sine: GeneratorSpec = { type: 'sine', step: 1000, period: 60_000, amplitude: 3, offset: 1, phase: 0 };
  const range = { from: 0, to: 600_000 };

  it('is exact while a bucket holds at most `samples` points', () => {
    const exact = generateBuckets(sine, range, 8000, 'avg', 8);
    const full = generateBuckets(sine, range, 8000, 'avg');
    expect(Array.from(exact.values)).toEqual(Array.from(full.values));
  });

  it('evaluates only `samples` points of a larger bucket: first and last included, count and last exact', () => {
    const width = 60_000; // 60 raw points a bucket
    const sampled = generateBuckets(sine, range, width, 'avg', 2);
    // Two samples: the first and last raw point of each bucket.
    expect(sampled.values[0]).toBeCloseTo((valueAt(sine, 0) + valueAt(sine, 59_000)) / 2, 12);
    expect(Array.from(generateBuckets(sine, range, width, 'count', 2).values).slice(0, 2)).toEqual([60, 60]);
    expect(generateBuckets(sine, range, width, 'last', 2).values[0]).toBe(valueAt(sine, 59_000));
  });

  it.each([1, 0, 2.5, Number.NaN])('refuses %p samples', (samples) => {
    expect(() => generateBuckets(sine, range, 8000, 'avg', samples)).toThrow(
      /samples must be a whole number >= 2/,
    );
  });
});
