import fc from 'fast-check';
import { PointStore, SeriesBuffer } from './memory';

const all = { from: -Infinity, to: Infinity };

function contents(buffer: SeriesBuffer, range = all) {
  const { times, values } = buffer.slice(range);
  return { times: [...times], values: [...values] };
}

describe('SeriesBuffer', () => {
  it('keeps points sorted whatever order they arrive in, a repeated time replacing the value', () => {
    const b = new SeriesBuffer({});
    b.append([10, 20, 30], [1, 2, 3]);
    b.append([25, 5, 20, 40], [2.5, 0.5, 22, 4]);
    expect(contents(b)).toEqual({ times: [5, 10, 20, 25, 30, 40], values: [0.5, 1, 22, 2.5, 3, 4] });
  });

  it('slices a range with both bounds inclusive', () => {
    const b = new SeriesBuffer({});
    b.append([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]);
    expect(contents(b, { from: 2, to: 4 })).toEqual({ times: [2, 3, 4], values: [2, 3, 4] });
    expect(contents(b, { from: 6, to: 9 })).toEqual({ times: [], values: [] });
  });

  it('trims by age and by count, dropping the oldest', () => {
    const b = new SeriesBuffer({});
    b.append([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]);
    expect(b.trim(3, 100)).toBe(2);
    expect(contents(b).times).toEqual([3, 4, 5, 6]);
    expect(b.trim(0, 2)).toBe(2);
    expect(contents(b).times).toEqual([5, 6]);
  });

  it('grows past its first capacity and stays equal to a sorted, de-duplicated model (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.double({ noNaN: true })), { maxLength: 300 }),
        (points) => {
          const b = new SeriesBuffer({});
          const model = new Map<number, number>();
          for (const [t, v] of points) {
            b.append([t], [v]);
            model.set(t, v);
          }
          const times = [...model.keys()].sort((x, y) => x - y);
          expect(contents(b)).toEqual({ times, values: times.map((t) => model.get(t)) });
        },
      ),
    );
  });
});

describe('PointStore', () => {
  const batch = (metric: string, labels: Record<string, string>, times: number[]) => ({
    points: times.length,
    series: [{ metric, labels, times, values: times.map((t) => t / 1000) }],
  });

  it('groups points by metric and label set, counting points and name changes', () => {
    let now = 10_000;
    const store = new PointStore({ retentionMs: 5_000, maxPointsPerSeries: 3 }, () => now);
    const before = store.namesRevision;
    store.apply(batch('cpu.idle', { host: 'a' }, [6_000, 7_000]));
    store.apply(batch('cpu.idle', { host: 'b' }, [7_000]));
    expect(store.metrics()).toEqual(['cpu.idle']);
    expect(store.namesRevision).toBe(before + 1);
    expect(store.points).toBe(3);
    // Older than the retention: dropped at once.
    store.apply(batch('cpu.idle', { host: 'a' }, [1_000, 8_000, 9_000]));
    expect(store.describe()).toEqual([
      {
        metric: 'cpu.idle',
        series: [
          { labels: { host: 'a' }, points: 3 },
          { labels: { host: 'b' }, points: 1 },
        ],
      },
    ]);
    // Time passes: reading trims to the retention as of now.
    now = 13_500;
    expect(store.seriesOf('cpu.idle').map((s) => s.length)).toEqual([1, 0]);
    expect(store.points).toBe(1);
    expect(store.removeMetric('cpu.idle')).toBe(true);
    expect(store.points).toBe(0);
    expect(store.metrics()).toEqual([]);
  });
});
