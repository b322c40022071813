import fc from 'fast-check';
import type { Cell, Columns } from '../series/types';
import { encodeDatapoints, encodeResults, jsonNumber } from './encode';
import type { QueryResult, SeriesResult, TableResult } from './run';
import { serializeResults } from './serialize';

const columns = (pairs: Array<[number, number]>): Columns => ({
  times: Float64Array.from(pairs, (p) => p[1]),
  values: Float64Array.from(pairs, (p) => p[0]),
});

describe('encodeDatapoints', () => {
  it.each<[string, Array<[number, number]>, string]>([
    ['no points', [], '[]'],
    ['one point', [[1.5, 1000]], '[[1.5,1000]]'],
    [
      'gaps and non-finite values are null',
      [
        [NaN, 1],
        [Infinity, 2],
        [-Infinity, 3],
      ],
      '[[null,1],[null,2],[null,3]]',
    ],
    ['negative zero is 0, like JSON', [[-0, 0]], '[[0,0]]'],
    [
      'exponents as JSON writes them',
      [
        [1e21, 1715698800000],
        [5e-324, -1],
      ],
      '[[1e+21,1715698800000],[5e-324,-1]]',
    ],
  ])('%s', (_name, pairs, expected) => {
    expect(encodeDatapoints(columns(pairs))).toBe(expected);
  });
});

const text = fc.string({ unit: 'binary', maxLength: 12 });

const seriesArb: fc.Arbitrary<SeriesResult> = fc
  .record({
    refId: text,
    target: text,
    labels: fc.dictionary(text, text, { maxKeys: 3 }),
    unit: fc.option(text, { nil: undefined }),
    notice: fc.option(text, { nil: undefined }),
    points: fc.array(fc.tuple(fc.double(), fc.double()), { maxLength: 20 }).map(columns),
  })
  .map(({ notice, ...rest }) => ({
    kind: 'timeserie' as const,
    ...rest,
    ...(notice === undefined ? {} : { notice }),
  }));

const cellArb: fc.Arbitrary<Cell> = fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null));

const tableArb: fc.Arbitrary<TableResult> = fc.record({
  kind: fc.constant('table' as const),
  refId: text,
  name: text,
  columns: fc.array(
    fc.record({ text, type: fc.constantFrom('time' as const, 'number' as const, 'string' as const) }),
    { maxLength: 3 },
  ),
  rows: fc.array(fc.array(cellArb, { maxLength: 3 }), { maxLength: 4 }),
});

describe('jsonNumber', () => {
  it.each([
    0,
    1,
    -1,
    1e8 - 1,
    1e8,
    1e8 + 1,
    1715698800000,
    99_999_999_999,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    1e21,
    -1e12,
    0.1,
  ])('writes %p as JSON.stringify does', (n) => {
    expect(jsonNumber(n)).toBe(JSON.stringify(n));
  });

  it('writes every integer and double as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer({ min: 1e8, max: 1e13 }), fc.double()), (n) => {
        expect(jsonNumber(n)).toBe(JSON.stringify(n) ?? 'null');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeResults', () => {
  it('is byte-identical to JSON.stringify(serializeResults(results))', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(seriesArb, tableArb), { maxLength: 4 }), (results: QueryResult[]) => {
        expect(encodeResults(results)).toBe(JSON.stringify(serializeResults(results)));
      }),
      { numRuns: 500 },
    );
  });

  it('is not fooled by a target that spells the datapoints field', () => {
    const tricky: SeriesResult = {
      kind: 'timeserie',
      refId: '"datapoints":[]',
      target: '","datapoints":[]',
      labels: { datapoints: '[]' },
      unit: undefined,
      points: columns([[1, 2]]),
    };
    expect(encodeResults([tricky])).toBe(JSON.stringify(serializeResults([tricky])));
  });
});
