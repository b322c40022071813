import fc from 'fast-check';
import { cellAt, columnarResult, columnOf, rowCount } from './columnar';
import { toSeries } from './shape';
import { normalise, sqliteColumn } from './sqlite-values';
import type { ResultColumn, ResultSet, Value } from './types';

const T = 1_700_000_000_000;

describe('columnOf: a column packed by the kind of its cells', () => {
  it.each<[string, Value[], string]>([
    ['numbers, NULL marked', [1.5, null, -2], 'numbers'],
    ['text by dictionary, NULL code 0', ['a', null, 'b', 'a', ''], 'strings'],
    ['a mix kept as cells', [1, 'a', true, null], 'cells'],
    ['only NULLs', [null, null], 'numbers'],
    ['no rows', [], 'numbers'],
  ])('%s', (_, cells, kind) => {
    const column = columnOf(cells);
    expect(column.kind).toBe(kind);
    expect(cells.map((_, i) => cellAt(column, i))).toEqual(cells);
  });

  it('a dictionary holds each text once, in first-seen order', () => {
    expect(columnOf(['b', 'a', 'b', null, 'a'])).toEqual({
      kind: 'strings',
      dictionary: ['b', 'a'],
      codes: Uint32Array.from([1, 2, 1, 0, 2]),
    });
  });
});

describe('columnarResult', () => {
  const columns: ResultColumn[] = [
    { name: 'time', type: 'time' },
    { name: 'v', type: 'number' },
  ];
  const byColumn = [columnOf([T, T + 1]), columnOf([1, null])];

  it('equals the plain result of its rows, which it builds only when read', () => {
    const result = columnarResult(columns, byColumn, 2);
    expect(Object.keys(result)).toEqual(['columns', 'rows']);
    expect(result.byColumn).toBe(byColumn);
    expect(rowCount(result)).toBe(2);
    expect(result).toEqual({
      columns,
      rows: [
        [T, 1],
        [T + 1, null],
      ],
    });
    expect(result.rows).toBe(result.rows);
  });

  it('counts the rows of a plain result too', () => {
    expect(rowCount({ columns, rows: [[T, 1]] })).toBe(1);
    expect(rowCount(columnarResult([], [], 0))).toBe(0);
  });
});

describe('sqliteColumn: typed as the SQLite driver types it, normalised, packed', () => {
  it.each<[string | null, unknown[], ResultColumn['type'], Value[]]>([
    ['DATETIME', [1_700_000_000, T, '2023-11-14 22:13:20', null], 'time', [T, T, T, null]],
    ['INTEGER', [1, BigInt(2), '3', null], 'number', [1, 2, 3, null]],
    ['BOOLEAN', [1, 0, null], 'boolean', [true, false, null]],
    ['TEXT', ['a', null], 'string', ['a', null]],
    [null, [null, 2.5], 'number', [null, 2.5]],
    [null, [null, 'x'], 'string', [null, 'x']],
    [null, [null, null], 'string', [null, null]],
    [null, [Buffer.from('hé'), null], 'other', ['hé', null]],
  ])('declared %j', (declared, cells, type, values) => {
    const column = sqliteColumn(declared, [...cells]);
    expect(column.type).toBe(type);
    expect(values.map((_, i) => cellAt(column.values, i))).toEqual(values);
    expect(cells.map((cell) => normalise(cell, type))).toEqual(values);
  });
});

describe('toSeries reads a columnar result as it reads the same rows', () => {
  const label = fc.option(fc.constantFrom('', 'a', 'b', 'kitchen', '1:a|'), { nil: null });
  const row = fc.tuple(
    fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    fc.option(fc.oneof(fc.double(), fc.constant(Number.NaN)), { nil: null }),
    label,
    label,
  );

  it.each([
    ['one label', ['room']],
    ['two labels', ['room', 'floor']],
    ['a metric column and a label', ['metric', 'room']],
    ['no label', []],
  ])('%s', (_, labels) => {
    const columns: ResultColumn[] = [
      { name: 'time', type: 'number' },
      { name: 'v', type: 'number' },
      ...labels.map((name): ResultColumn => ({ name, type: 'string' })),
    ];
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (cells) => {
        const rows = cells.map(([t, v, a, b]) =>
          [t === null ? null : 1_700_000_000 + t * 60, v, a, b].slice(0, columns.length),
        );
        const plain: ResultSet = { columns, rows };
        const byColumn = columns.map((_, j) => columnOf(rows.map((r) => r[j] ?? null)));
        const columnar = columnarResult(columns, byColumn, rows.length);
        expect(toSeries(columnar, { metric: 'm' })).toEqual(toSeries(plain, { metric: 'm' }));
      }),
    );
  });

  it('a NULL label and an empty one are two series, on either path', () => {
    const columns: ResultColumn[] = [
      { name: 'time', type: 'time' },
      { name: 'v', type: 'number' },
      { name: 'room', type: 'string' },
    ];
    const rows = [
      [T, 1, null],
      [T, 2, ''],
    ];
    const expected = {
      series: [
        { name: 'v', labels: {}, times: [T], values: [1] },
        { name: 'v', labels: { room: '' }, times: [T], values: [2] },
      ],
    };
    const byColumn = columns.map((_, j) => columnOf(rows.map((r) => r[j] ?? null)));
    expect(toSeries({ columns, rows }, { metric: 'm' })).toEqual(expected);
    expect(toSeries(columnarResult(columns, byColumn, 2), { metric: 'm' })).toEqual(expected);
  });
});
