import { TimeParseError } from '../errors';
import { fixedClock } from './clock';
import { parseTime } from './parse';

/** Epoch ms of an ISO string with an explicit offset (so Date's own parser is zone-independent here). */
const at = (iso: string): number => new Date(iso).getTime();
const clock = fixedClock(at('2024-05-14T09:30:00.000Z')); // a Tuesday

describe('parseTime: epoch milliseconds', () => {
  it.each<[unknown, number]>([
    [1_715_677_200_000, 1_715_677_200_000],
    [0, 0],
    [-1_000, -1_000],
    [1.5, 1.5],
    ['1715677200000', 1_715_677_200_000],
    [' 1715677200000 ', 1_715_677_200_000],
    ['-1000', -1_000],
    ['8640000000000000', 8.64e15],
  ])('%p', (input, expected) => {
    expect(parseTime(input, clock, 'range.from')).toBe(expected);
  });
});

describe('parseTime: ISO 8601', () => {
  it.each<[string, string]>([
    ['2024-05-14', '2024-05-14T00:00:00.000Z'],
    ['2024-05-14T09:00:00Z', '2024-05-14T09:00:00.000Z'],
    ['2024-05-14t09:00:00z', '2024-05-14T09:00:00.000Z'],
    ['2024-05-14T09:00:00.123Z', '2024-05-14T09:00:00.123Z'],
    ['2024-05-14T09:00:00.1Z', '2024-05-14T09:00:00.100Z'],
    ['2024-05-14T09:00:00,25Z', '2024-05-14T09:00:00.250Z'],
    ['2024-05-14T09:00:00.123456789Z', '2024-05-14T09:00:00.123Z'],
    // No offset: UTC, never the host's zone.
    ['2024-05-14T09:00:00', '2024-05-14T09:00:00.000Z'],
    ['2024-05-14T09:00:00.5', '2024-05-14T09:00:00.500Z'],
    ['2024-05-14T09:00', '2024-05-14T09:00:00.000Z'],
    ['2024-05-14 09:00:00', '2024-05-14T09:00:00.000Z'],
    ['2024-03-10T02:30:00', '2024-03-10T02:30:00.000Z'], // a wall time that does not exist in New York
    // Offsets.
    ['2024-05-14T09:00:00+02:00', '2024-05-14T07:00:00.000Z'],
    ['2024-05-14T09:00:00-0530', '2024-05-14T14:30:00.000Z'],
    ['2024-05-14T09:00:00+0530', '2024-05-14T03:30:00.000Z'],
    ['2024-05-14T09:00:00+02', '2024-05-14T07:00:00.000Z'],
    ['2024-05-14T09:00:00.5-05:00', '2024-05-14T14:00:00.500Z'],
    ['2024-05-14T00:30:00+01:00', '2024-05-13T23:30:00.000Z'],
    ['2024-05-14T09:00+00:00', '2024-05-14T09:00:00.000Z'],
    // Calendar corners.
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-06-01', '0099-06-01T00:00:00.000Z'],
    ['  2024-05-14T09:00:00Z  ', '2024-05-14T09:00:00.000Z'],
  ])('%s is %s', (input, expected) => {
    expect(new Date(parseTime(input, clock, 'range.from')).toISOString()).toBe(expected);
  });

  it('ignores roundUp for absolute times', () => {
    expect(parseTime('2024-05-14', clock, 'range.to', { roundUp: true })).toBe(at('2024-05-14T00:00:00Z'));
  });
});

describe('parseTime: relative to the clock (2024-05-14T09:30:00Z)', () => {
  it.each<[string, string, string]>([
    // input, rounded down (from), rounded up (to)
    ['now', '2024-05-14T09:30:00.000Z', '2024-05-14T09:30:00.000Z'],
    ['now-6h', '2024-05-14T03:30:00.000Z', '2024-05-14T03:30:00.000Z'],
    ['now+1d', '2024-05-15T09:30:00.000Z', '2024-05-15T09:30:00.000Z'],
    ['now-30m', '2024-05-14T09:00:00.000Z', '2024-05-14T09:00:00.000Z'],
    ['now-90s', '2024-05-14T09:28:30.000Z', '2024-05-14T09:28:30.000Z'],
    ['now-2w', '2024-04-30T09:30:00.000Z', '2024-04-30T09:30:00.000Z'],
    ['now-1M', '2024-04-14T09:30:00.000Z', '2024-04-14T09:30:00.000Z'],
    ['now+1M', '2024-06-14T09:30:00.000Z', '2024-06-14T09:30:00.000Z'],
    ['now-1y', '2023-05-14T09:30:00.000Z', '2023-05-14T09:30:00.000Z'],
    ['now-1d-2h', '2024-05-13T07:30:00.000Z', '2024-05-13T07:30:00.000Z'],
    ['now-d', '2024-05-13T09:30:00.000Z', '2024-05-13T09:30:00.000Z'], // Grafana reads a missing number as 1
    ['now/s', '2024-05-14T09:30:00.000Z', '2024-05-14T09:30:00.999Z'],
    ['now/m', '2024-05-14T09:30:00.000Z', '2024-05-14T09:30:59.999Z'],
    ['now/h', '2024-05-14T09:00:00.000Z', '2024-05-14T09:59:59.999Z'],
    ['now/d', '2024-05-14T00:00:00.000Z', '2024-05-14T23:59:59.999Z'],
    ['now-1d/d', '2024-05-13T00:00:00.000Z', '2024-05-13T23:59:59.999Z'],
    ['now/w', '2024-05-13T00:00:00.000Z', '2024-05-19T23:59:59.999Z'], // weeks start on Monday
    ['now-1w/w', '2024-05-06T00:00:00.000Z', '2024-05-12T23:59:59.999Z'],
    ['now/M', '2024-05-01T00:00:00.000Z', '2024-05-31T23:59:59.999Z'],
    ['now-1M/M', '2024-04-01T00:00:00.000Z', '2024-04-30T23:59:59.999Z'],
    ['now/y', '2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ['now-1y/y', '2023-01-01T00:00:00.000Z', '2023-12-31T23:59:59.999Z'],
    ['now/d+8h', '2024-05-14T08:00:00.000Z', '2024-05-15T07:59:59.999Z'], // operations apply left to right
    [' now-6h ', '2024-05-14T03:30:00.000Z', '2024-05-14T03:30:00.000Z'],
  ])('%s', (input, down, up) => {
    expect(new Date(parseTime(input, clock, 'range.from')).toISOString()).toBe(down);
    expect(new Date(parseTime(input, clock, 'range.to', { roundUp: true })).toISOString()).toBe(up);
  });

  it.each<[string, string, string]>([
    // now, input, expected: month and year steps clamp to the last day of the target month
    ['2024-03-31T12:00:00Z', 'now-1M', '2024-02-29T12:00:00.000Z'],
    ['2023-03-31T12:00:00Z', 'now-1M', '2023-02-28T12:00:00.000Z'],
    ['2024-05-31T12:00:00Z', 'now-1M', '2024-04-30T12:00:00.000Z'],
    ['2024-01-31T12:00:00Z', 'now+1M', '2024-02-29T12:00:00.000Z'],
    ['2024-02-29T12:00:00Z', 'now-1y', '2023-02-28T12:00:00.000Z'],
    ['2024-02-29T12:00:00Z', 'now+4y', '2028-02-29T12:00:00.000Z'],
    ['2024-03-31T12:00:00Z', 'now-1M/M', '2024-02-01T00:00:00.000Z'],
    ['2024-01-15T12:00:00Z', 'now-1M', '2023-12-15T12:00:00.000Z'],
    ['2024-05-19T23:00:00Z', 'now/w', '2024-05-13T00:00:00.000Z'], // a Sunday belongs to the week before
    ['2024-05-13T00:00:00Z', 'now/w', '2024-05-13T00:00:00.000Z'], // Monday midnight is its own week start
    ['2024-03-10T06:30:00Z', 'now/d', '2024-03-10T00:00:00.000Z'], // US DST change: UTC days stay 24 h
    ['2024-03-10T06:30:00Z', 'now-1d', '2024-03-09T06:30:00.000Z'],
  ])('at %s, %s is %s', (now, input, expected) => {
    expect(new Date(parseTime(input, fixedClock(at(now)), 'range.from')).toISOString()).toBe(expected);
  });

  it('rounds up to the end of February in a leap year', () => {
    const leap = fixedClock(at('2024-02-10T00:00:00Z'));
    expect(new Date(parseTime('now/M', leap, 'range.to', { roundUp: true })).toISOString()).toBe(
      '2024-02-29T23:59:59.999Z',
    );
  });

  it('reads the clock for relative times only', () => {
    const counting = jest.fn(() => 0);
    parseTime('2024-05-14', counting, 'range.from');
    parseTime(5, counting, 'range.from');
    expect(counting).not.toHaveBeenCalled();
    parseTime('now-1h', counting, 'range.from');
    expect(counting).toHaveBeenCalledTimes(1);
  });
});

describe('parseTime: errors', () => {
  it('names the field and the value, with the accepted forms', () => {
    expect(() => parseTime('yesterday', clock, 'range.from')).toThrow(
      'range.from: cannot parse "yesterday" as a time (use ISO 8601, epoch ms or now-6h)',
    );
  });

  it.each<[unknown, string]>([
    ['yesterday', '"yesterday"'],
    ['', '""'],
    ['   ', '"   "'],
    ['NOW', '"NOW"'],
    ['nowish', '"nowish"'],
    ['now-', '"now-"'],
    ['now/', '"now/"'],
    ['now-6x', '"now-6x"'],
    ['now-1Q', '"now-1Q"'],
    ['now-6h/', '"now-6h/"'],
    ['now - 6h', '"now - 6h"'],
    ['now-1.5h', '"now-1.5h"'],
    ['now-99999999999999y', '"now-99999999999999y"'],
    ['now+999999999999d', '"now+999999999999d"'],
    ['2024-13-01', '"2024-13-01"'],
    ['2024-00-10', '"2024-00-10"'],
    ['2024-02-30', '"2024-02-30"'],
    ['2023-02-29', '"2023-02-29"'],
    ['2024-04-31', '"2024-04-31"'],
    ['2024-05-14T24:00:00Z', '"2024-05-14T24:00:00Z"'],
    ['2024-05-14T09:60:00Z', '"2024-05-14T09:60:00Z"'],
    ['2024-05-14T09:00:60Z', '"2024-05-14T09:00:60Z"'],
    ['2024-05-14T09:00:00+24:00', '"2024-05-14T09:00:00+24:00"'],
    ['2024-05-14T09:00:00+02:60', '"2024-05-14T09:00:00+02:60"'],
    ['2024-05-14T09', '"2024-05-14T09"'],
    ['2024-05-14Z', '"2024-05-14Z"'],
    ['2024-5-14', '"2024-5-14"'],
    ['14/05/2024', '"14/05/2024"'],
    ['May 14, 2024', '"May 14, 2024"'],
    ['1e3', '"1e3"'],
    ['8640000000000001', '"8640000000000001"'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [9e15, '9000000000000000'],
    [true, 'true'],
    [false, 'false'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{}, '{}'],
    [[], '[]'],
    [{ from: 1 }, '{"from":1}'],
  ])('rejects %p', (input, rendering) => {
    let caught: unknown;
    try {
      parseTime(input, clock, 'range.from');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TimeParseError);
    const error = caught as TimeParseError;
    expect(error.code).toBe('INVALID_TIME');
    expect(error.statusCode).toBe(400);
    expect(error.field).toBe('range.from');
    expect(error.message.startsWith(`range.from: cannot parse ${rendering} as a time`)).toBe(true);
    expect(error.message.endsWith('(use ISO 8601, epoch ms or now-6h)')).toBe(true);
  });

  it('says why a well-formed date does not exist', () => {
    expect(() => parseTime('2024-02-30', clock, 'range.to')).toThrow(
      'range.to: cannot parse "2024-02-30" as a time: 2024-02 has no day 30 (use ISO 8601, epoch ms or now-6h)',
    );
  });

  it('keeps the message short for a huge value', () => {
    expect(() => parseTime('x'.repeat(10_000), clock, 'range.from')).toThrow(TimeParseError);
    try {
      parseTime('x'.repeat(10_000), clock, 'range.from');
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });
});
