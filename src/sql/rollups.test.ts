import { chooseRollup, rollupLimitMs, type RollupSource } from './rollups';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const rollups: RollupSource<string>[] = [
  { intervalMs: HOUR, query: 'hourly' },
  { intervalMs: MIN, query: 'minutely' },
  { intervalMs: DAY, query: 'daily' },
  { intervalMs: 5 * MIN, query: 'five' },
];

describe('chooseRollup', () => {
  it.each([
    // range, maxDataPoints, intervalMs, chosen
    [HOUR, 1000, undefined, undefined], // 3.6 s a point: finer than every rollup
    [6 * HOUR, 360, undefined, 'minutely'], // exactly 1 min a point
    [6 * HOUR, 361, undefined, undefined], // just under 1 min a point
    [7 * DAY, 1000, undefined, 'five'], // 10.08 min a point
    [30 * DAY, 720, undefined, 'hourly'], // exactly 1 h a point
    [365 * DAY, 300, undefined, 'daily'],
    [365 * DAY, 300, 2 * HOUR, 'hourly'], // the request's interval bounds it too
    [7 * DAY, 1000, 5 * MIN, 'five'],
    [7 * DAY, 1000, 4 * MIN, 'minutely'],
    [7 * DAY, 0, 10 * MIN, 'five'], // no maxDataPoints: the interval alone
    [0, 100, MIN, undefined], // empty range: raw
  ])('range %d ms, %d points, interval %s → %s', (span, maxDataPoints, intervalMs, chosen) => {
    const request = {
      range: { from: 1_700_000_000_000, to: 1_700_000_000_000 + span },
      maxDataPoints,
      ...(intervalMs === undefined ? {} : { intervalMs }),
    };
    expect(chooseRollup(request, rollups)?.query).toBe(chosen);
  });

  it('no rollups: the raw query', () => {
    expect(chooseRollup({ range: { from: 0, to: DAY }, maxDataPoints: 1 }, [])).toBeUndefined();
  });

  it('the limit is the smaller of range / maxDataPoints and the interval', () => {
    expect(rollupLimitMs({ range: { from: 0, to: HOUR }, maxDataPoints: 60, intervalMs: 30_000 })).toBe(
      30_000,
    );
    expect(rollupLimitMs({ range: { from: 0, to: HOUR }, maxDataPoints: 0 })).toBe(Infinity);
  });
});
