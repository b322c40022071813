import { SourceError } from '../errors';
import { numericTimeToMs, toSeries, toTable } from './shape';
import type { ResultSet } from './types';

const T = 1_700_000_000_000;

describe('numericTimeToMs: Grafana reads a numeric time by its digits', () => {
  it.each([
    [1_700_000_000, T],
    [1_700_000_000.5, T + 500],
    [T, T],
    [T * 1000, T],
    [T * 1e6, T],
    [0, 0],
    // The edges between digit counts: 11 digits are seconds, 12 ms, 15 µs, 18 ns.
    [99_999_999_999, 99_999_999_999_000],
    [1e11, 1e11],
    [1e14 - 1, 1e14 - 1],
    [1e14, 1e11],
    [1e17, 1e11],
    [-1_700_000_000, -T],
  ])('%d → %d', (value, ms) => {
    expect(numericTimeToMs(value)).toBe(ms);
  });
});

describe('toSeries', () => {
  it('long format: one series per value column and label set, sorted by time, NULL a gap', () => {
    const result: ResultSet = {
      columns: [
        { name: 'time', type: 'number' },
        { name: 'room', type: 'string' },
        { name: 'temp', type: 'number' },
        { name: 'hum', type: 'number' },
      ],
      rows: [
        [1_700_000_060, 'kitchen', 21, 40],
        [1_700_000_000, 'kitchen', 20, null],
        [1_700_000_000, 'hall', 18, 50],
        [null, 'hall', 1, 1],
      ],
    };
    expect(toSeries(result, { metric: 'climate' })).toEqual({
      series: [
        { name: 'temp', labels: { room: 'kitchen' }, times: [T, T + 60_000], values: [20, 21] },
        { name: 'hum', labels: { room: 'kitchen' }, times: [T, T + 60_000], values: [null, 40] },
        { name: 'temp', labels: { room: 'hall' }, times: [T], values: [18] },
        { name: 'hum', labels: { room: 'hall' }, times: [T], values: [50] },
      ],
    });
  });

  it('a metric column names the series; with several value columns "<metric> <column>"', () => {
    const one: ResultSet = {
      columns: [
        { name: 'ts', type: 'time' },
        { name: 'metric', type: 'string' },
        { name: 'v', type: 'number' },
      ],
      rows: [
        [T, 'cpu', 1],
        [T, 'mem', 2],
      ],
    };
    expect(toSeries(one, { metric: 'm' }).series.map((s) => [s.name, s.labels, s.values])).toEqual([
      ['cpu', {}, [1]],
      ['mem', {}, [2]],
    ]);
    const two: ResultSet = {
      ...one,
      columns: [...one.columns, { name: 'w', type: 'number' }],
      rows: [[T, 'cpu', 1, 2]],
    };
    expect(toSeries(two, { metric: 'm' }).series.map((s) => s.name)).toEqual(['cpu v', 'cpu w']);
  });

  it('text times are ISO 8601, UTC without a zone; numeric text by its digits', () => {
    const result: ResultSet = {
      columns: [
        { name: 'time', type: 'string' },
        { name: 'v', type: 'number' },
      ],
      rows: [
        ['2023-11-14 22:13:20', 1],
        ['2023-11-14T23:13:20+01:00', 2],
        ['1700000000', 3],
      ],
    };
    expect(toSeries(result, { metric: 'm' }).series[0]?.times).toEqual([T, T, T]);
  });

  it('fills missing buckets over the range: NULL, previous or a value', () => {
    const result: ResultSet = {
      columns: [
        { name: 'time', type: 'number' },
        { name: 'v', type: 'number' },
      ],
      rows: [
        [1_700_000_040, 5],
        [1_700_000_100, 7],
      ],
    };
    const range = { from: T - 20_000, to: T + 120_000 };
    const fill = (mode: 'null' | 'previous' | 'value') =>
      toSeries(result, { metric: 'm', range, fill: { mode, value: 0, intervalMs: 20_000 } }).series[0]
        ?.values;
    expect(fill('null')).toEqual([null, null, null, 5, null, null, 7, null]);
    expect(fill('previous')).toEqual([null, null, null, 5, 5, 5, 7, 7]);
    expect(fill('value')).toEqual([0, 0, 0, 5, 0, 0, 7, 0]);
  });

  it.each([
    [
      [{ name: 'v', type: 'number' }],
      [[1]],
      'metric "m": the query answered no time column (name one "time"); columns: "v"',
    ],
    [
      [
        { name: 'time', type: 'time' },
        { name: 's', type: 'string' },
      ],
      [[T, 'x']],
      'metric "m": the query answered no number column to plot; columns: "time", "s"',
    ],
    [
      [
        { name: 'time', type: 'string' },
        { name: 'v', type: 'number' },
      ],
      [['soon', 1]],
      'metric "m": time column "time" holds "soon", not a time',
    ],
  ] as const)('errors name the metric: %j', (columns, rows, message) => {
    const run = () => toSeries({ columns, rows } as ResultSet, { metric: 'm' });
    expect(run).toThrow(SourceError);
    expect(run).toThrow(message);
  });
});

describe('toTable', () => {
  it('types every column; a number column named time is a time', () => {
    const result: ResultSet = {
      columns: [
        { name: 'time', type: 'number' },
        { name: 'room', type: 'string' },
        { name: 'n', type: 'number' },
        { name: 'ok', type: 'boolean' },
        { name: 'raw', type: 'other' },
      ],
      rows: [
        [1_700_000_000, 'hall', 3, true, 12],
        [null, null, null, null, null],
      ],
    };
    expect(toTable(result, { metric: 'm' })).toEqual({
      columns: [
        { text: 'time', type: 'time' },
        { text: 'room', type: 'string' },
        { text: 'n', type: 'number' },
        { text: 'ok', type: 'boolean' },
        { text: 'raw', type: 'string' },
      ],
      rows: [
        [T, 'hall', 3, true, '12'],
        [null, null, null, null, null],
      ],
    });
  });
});
