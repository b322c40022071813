import { DAY, intervalFor, NICE_INTERVALS, niceInterval } from './interval';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('niceInterval', () => {
  it.each([
    [0, 1],
    [Number.NaN, 1],
    [1, 1],
    [3, 5],
    [999, S],
    [S, S],
    [S + 1, 2 * S],
    [7 * S, 10 * S],
    [12 * S, 15 * S],
    [16 * S, 20 * S],
    [25 * S, 30 * S],
    [31 * S, M],
    [3 * M, 5 * M],
    [11 * M, 15 * M],
    [30 * M, 30 * M],
    [31 * M, H],
    [150 * M, 3 * H],
    [4 * H, 6 * H],
    [13 * H, DAY],
    [DAY + 1, 2 * DAY],
    [6.5 * DAY, 7 * DAY],
  ])('%d ms → %d ms', (ms, expected) => {
    expect(niceInterval(ms)).toBe(expected);
  });

  it('lists only divisors of a day, ascending', () => {
    NICE_INTERVALS.forEach((n, i) => {
      expect(DAY % n).toBe(0);
      if (i > 0) expect(n).toBeGreaterThan(NICE_INTERVALS[i - 1] as number);
    });
  });
});

describe('intervalFor', () => {
  it.each([
    [H, 2, 30 * M],
    [6 * H, 1083, 20 * S],
    [24 * H, 100, 15 * M],
    [7 * DAY, 1000, 15 * M],
    [H, 0, H],
  ])('a %d ms range at %d points → %d ms', (span, points, expected) => {
    expect(intervalFor(span, points)).toBe(expected);
  });
});
