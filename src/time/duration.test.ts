import { TimeParseError } from '../errors';
import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each<[string | number, number]>([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['.5s', 500],
    ['1h30m', 5_400_000],
    ['1w2d3h4m5s6ms', 604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000 + 6],
    ['1m30s', 90_000],
    ['0s', 0],
    ['  5m ', 300_000],
    [250, 250],
    [0, 0],
    [1.5, 1.5],
  ])('%p is %p ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it('names the field and the value, with the accepted forms', () => {
    expect(() => parseDuration('abc', 'interval')).toThrow(
      'interval: cannot parse "abc" as a duration (use 500ms, 10s, 5m, 6h, 1d, 1w)',
    );
  });

  it('defaults the field name to "duration"', () => {
    expect(() => parseDuration('abc')).toThrow(/^duration: cannot parse "abc"/);
  });

  it.each<[string | number, string]>([
    ['abc', '"abc"'],
    ['', '""'],
    ['   ', '"   "'],
    ['5', '"5"'],
    ['1M', '"1M"'],
    ['1y', '"1y"'],
    ['-5m', '"-5m"'],
    ['+5m', '"+5m"'],
    ['5 m', '"5 m"'],
    ['5mm', '"5mm"'],
    ['1.h', '"1.h"'],
    ['1e3s', '"1e3s"'],
    ['5H', '"5H"'],
    ['30m1h', '"30m1h"'],
    ['1h1h', '"1h1h"'],
    ['1h-30m', '"1h-30m"'],
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('rejects %p', (input, rendering) => {
    let caught: unknown;
    try {
      parseDuration(input, 'interval');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TimeParseError);
    const error = caught as TimeParseError;
    expect(error.code).toBe('INVALID_TIME');
    expect(error.statusCode).toBe(400);
    expect(error.field).toBe('interval');
    expect(error.message.startsWith(`interval: cannot parse ${rendering} as a duration`)).toBe(true);
    expect(error.message.endsWith('(use 500ms, 10s, 5m, 6h, 1d, 1w)')).toBe(true);
  });

  it('explains why months and years are refused', () => {
    expect(() => parseDuration('1M', 'step')).toThrow('months and years have no fixed length');
  });

  it('rejects a sum too large to be finite', () => {
    expect(() => parseDuration(`${'9'.repeat(400)}w`)).toThrow(TimeParseError);
  });
});
