import fc from 'fast-check';
import { PatternError, ValidationError } from '../errors';
import { compileFilters, mergeFilters } from './filters';
import {
  type AdhocFilter,
  type Cell,
  FILTER_OPERATORS,
  type FilterOperator,
  type TableColumn,
} from './types';

const f = (key: string, operator: FilterOperator, value: string, values?: string[]): AdhocFilter =>
  values === undefined ? { key, operator, value } : { key, operator, value, values };

describe('mergeFilters', () => {
  const city = f('City', '=', 'Berlin');
  const host = f('host', '=~', 'web.*');
  it.each<[string, Array<AdhocFilter[] | undefined>, AdhocFilter[]]>([
    ['nothing', [], []],
    ['missing lists', [undefined, undefined], []],
    ['legacy only', [[city], undefined], [city]],
    ['filters only', [undefined, [city]], [city]],
    [
      'duplicated across lists',
      [
        [city, host],
        [{ ...city }, { ...host }],
      ],
      [city, host],
    ],
    ['order kept', [[host], [city, host]], [host, city]],
    ['differing operator kept', [[city], [f('City', '!=', 'Berlin')]], [city, f('City', '!=', 'Berlin')]],
    [
      'differing values kept',
      [[f('a', '=|', 'x', ['x', 'y'])], [f('a', '=|', 'x', ['x'])]],
      [f('a', '=|', 'x', ['x', 'y']), f('a', '=|', 'x', ['x'])],
    ],
    ['extra fields ignored for identity', [[city], [{ ...city, condition: 'AND' } as AdhocFilter]], [city]],
  ])('%s', (_name, lists, expected) => {
    expect(mergeFilters(...lists)).toEqual(expected);
  });

  it('keeps the first object of a duplicate', () => {
    const copy = { ...city };
    expect(mergeFilters([city], [copy])[0]).toBe(city);
  });
});

describe('compileFilters on labels', () => {
  const labels = { City: 'Berlin', host: 'web.01', code: '200', size: '9', empty: '' };
  it.each<[string, AdhocFilter, boolean]>([
    ['= hit', f('City', '=', 'Berlin'), true],
    ['= miss', f('City', '=', 'Paris'), false],
    ['= is case-sensitive', f('City', '=', 'berlin'), false],
    ['= empty value', f('empty', '=', ''), true],
    ['!= hit', f('City', '!=', 'Paris'), true],
    ['!= miss', f('City', '!=', 'Berlin'), false],
    ['< numeric', f('size', '<', '10'), true],
    ['> numeric', f('size', '>', '10'), false],
    ['< not strict', f('size', '<', '9'), false],
    ['> by string order', f('City', '>', 'Amsterdam'), true],
    ['< by string order when one side is not a number', f('size', '<', 'a'), true],
    ['=~ full match', f('host', '=~', 'web\\.\\d+'), true],
    ['=~ is anchored', f('host', '=~', 'web'), false],
    ['=~ alternation', f('host', '=~', 'db.*|web.*'), true],
    ['!~ hit', f('host', '!~', 'db.*'), true],
    ['!~ miss', f('host', '!~', 'web.*'), false],
    ['=| hit', f('City', '=|', 'Paris', ['Paris', 'Berlin']), true],
    ['=| miss', f('City', '=|', 'Paris', ['Paris', 'Rome']), false],
    ['=| without values uses value', f('City', '=|', 'Berlin'), true],
    ['=| with empty values uses value', f('City', '=|', 'Berlin', []), true],
    ['!=| hit', f('City', '!=|', 'Paris', ['Paris', 'Rome']), true],
    ['!=| miss', f('City', '!=|', 'Paris', ['Paris', 'Berlin']), false],
    ['absent key does not apply (=)', f('Country', '=', 'DE'), true],
    ['absent key does not apply (!=)', f('Country', '!=', 'DE'), true],
    ['prototype keys are not labels', f('constructor', '=', 'x'), true],
  ])('%s', (_name, filter, expected) => {
    expect(compileFilters([filter]).matchesLabels(labels)).toBe(expected);
  });

  it('needs every filter to hold', () => {
    const both = compileFilters([f('City', '=', 'Berlin'), f('code', '=', '500')]);
    expect(both.matchesLabels(labels)).toBe(false);
    expect(both.matchesLabels({ City: 'Berlin', code: '500' })).toBe(true);
  });

  it('lets everything through without filters', () => {
    const none = compileFilters([]);
    expect(none.matchesLabels(labels)).toBe(true);
    expect(none.keys.size).toBe(0);
  });

  it('exposes the keys', () => {
    expect([...compileFilters([f('a', '=', '1'), f('b', '=', '2'), f('a', '!=', '3')]).keys]).toEqual([
      'a',
      'b',
    ]);
  });
});

describe('compileFilters on tables', () => {
  const columns: TableColumn[] = [
    { text: 'Time', type: 'time' },
    { text: 'City', type: 'string' },
    { text: 'Count', type: 'number' },
    { text: 'Up', type: 'boolean' },
  ];
  const t0 = Date.parse('2024-05-14T09:00:00Z');
  const rows: Cell[][] = [
    [t0, 'Berlin', 5, true],
    [t0 + 60_000, 'Paris', 12, false],
    [t0 + 120_000, null, null, null],
    [t0 + 180_000, 'Rome', 5.5],
  ];
  it.each<[string, AdhocFilter, number[]]>([
    ['= number cell equals its text', f('Count', '=', '5'), [0]],
    ['= null equals empty', f('City', '=', ''), [2]],
    ['= boolean', f('Up', '=', 'true'), [0]],
    ['!= keeps nulls', f('City', '!=', 'Berlin'), [1, 2, 3]],
    ['> numeric, not string order', f('Count', '>', '9'), [1]],
    ['< numeric with decimals', f('Count', '<', '5.5'), [0, 2]],
    // null is not a number, so it compares as '' by string order: it sorts before everything.
    ['< null compares as empty text', f('City', '<', 'C'), [0, 2]],
    ['> null compares as empty text', f('Count', '>', '0'), [0, 1, 3]],
    ['> string order', f('City', '>', 'Berlin'), [1, 3]],
    ['=~', f('City', '=~', 'B.*|R.*'), [0, 3]],
    ['!~', f('City', '!~', 'B.*|R.*'), [1, 2]],
    ['=~ on numbers matches their text', f('Count', '=~', '\\d+'), [0, 1]],
    ['=|', f('City', '=|', '', ['Paris', 'Rome']), [1, 3]],
    ['!=|', f('City', '!=|', '', ['Paris', 'Rome']), [0, 2]],
    ['time = epoch ms', f('Time', '=', String(t0 + 60_000)), [1]],
    ['time = ISO date', f('Time', '=', '2024-05-14T09:01:00.000Z'), [1]],
    ['time > epoch ms compares as numbers', f('Time', '>', String(t0 + 60_000)), [2, 3]],
    ['time < ISO date', f('Time', '<', '2024-05-14T09:02:00Z'), [0, 1]],
    ['time =| mixes forms', f('Time', '=|', '', [String(t0), '2024-05-14T09:03:00Z']), [0, 3]],
    ['unknown column does not apply', f('Country', '=', 'DE'), [0, 1, 2, 3]],
  ])('%s', (_name, filter, expected) => {
    const out = compileFilters([filter]).filterRows(columns, rows);
    expect(out).toEqual(expected.map((i) => rows[i]));
    out.forEach((row, i) => {
      expect(row).toBe(rows[expected[i] as number]);
    });
  });

  it('reads time cells given as ISO text', () => {
    const isoRows: Cell[][] = [['2024-05-14T09:00:00Z'], ['2024-05-14T10:00:00Z']];
    const out = compileFilters([f('Time', '>', String(t0))]).filterRows(
      [{ text: 'Time', type: 'time' }],
      isoRows,
    );
    expect(out).toEqual([isoRows[1]]);
  });

  it('treats a missing cell as null', () => {
    expect(compileFilters([f('Up', '=', '')]).filterRows(columns, rows)).toEqual([rows[2], rows[3]]);
  });

  it('returns a new array even when no filter applies', () => {
    const out = compileFilters([f('Country', '=', 'DE')]).filterRows(columns, rows);
    expect(out).not.toBe(rows);
    expect(out).toEqual(rows);
  });

  it('needs every filter to hold', () => {
    const out = compileFilters([f('Count', '>', '1'), f('City', '!=', 'Berlin')]).filterRows(columns, rows);
    expect(out).toEqual([rows[1], rows[3]]);
  });
});

describe('compileFilters errors', () => {
  it('names the filter of an invalid regex', () => {
    const filters = [f('a', '=', 'x'), f('b', '=~', 'web(')];
    expect(() => compileFilters(filters)).toThrow(PatternError);
    expect(() => compileFilters(filters)).toThrow(
      /^filters\[1\]\.value: "web\(" is not a valid regular expression/,
    );
  });

  it('honours maxPatternLength', () => {
    expect(() => compileFilters([f('a', '!~', 'abcdef')], { maxPatternLength: 5 })).toThrow(
      /^filters\[0\]\.value: pattern "abcdef" is too long/,
    );
    expect(() => compileFilters([f('a', '=', 'abcdef')], { maxPatternLength: 5 })).not.toThrow();
  });

  it('rejects an operator outside the list', () => {
    const bad = { key: 'a', operator: '~~', value: 'x' } as unknown as AdhocFilter;
    expect(() => compileFilters([bad])).toThrow(ValidationError);
  });

  it('runs a hostile filter regex in linear time', () => {
    const started = performance.now();
    const filters = compileFilters([f('host', '=~', '(a+)+$')]);
    expect(filters.matchesLabels({ host: `${'a'.repeat(50_000)}!` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('filterRows properties', () => {
  const columns: TableColumn[] = [
    { text: 'k', type: 'string' },
    { text: 'n', type: 'number' },
    { text: 't', type: 'time' },
  ];
  const cell: fc.Arbitrary<Cell> = fc.oneof(
    fc.constantFrom('a', 'b', 'c', '1', '10', ''),
    fc.integer({ min: -5, max: 15 }),
    fc.constant(null),
  );
  const row = fc.tuple(cell, cell, fc.integer({ min: 0, max: 20 }));
  const filter = fc
    .record({
      key: fc.constantFrom('k', 'n', 't', 'other'),
      operator: fc.constantFrom(...FILTER_OPERATORS),
      value: fc.constantFrom('a', 'b', '1', '10', '', '.*', '[a-c]', '\\d+'),
      values: fc.option(fc.array(fc.constantFrom('a', 'b', '1', '10', '')), { nil: undefined }),
    })
    .map(({ values, ...rest }): AdhocFilter => (values === undefined ? rest : { ...rest, values }));

  it('never adds rows, keeps order and row identity, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.array(filter, { maxLength: 3 }), (rows, filters) => {
        const compiled = compileFilters(filters);
        const once = compiled.filterRows(columns, rows);
        expect(once.length).toBeLessThanOrEqual(rows.length);
        let cursor = 0;
        for (const kept of once) {
          cursor = rows.indexOf(kept as (typeof rows)[number], cursor) + 1;
          expect(cursor).toBeGreaterThan(0);
        }
        expect(compiled.filterRows(columns, once)).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps exactly the rows every single filter keeps', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.array(filter, { maxLength: 3 }), (rows, filters) => {
        const together = compileFilters(filters).filterRows(columns, rows);
        const apart = filters.reduce<ReadonlyArray<readonly Cell[]>>(
          (kept, one) => compileFilters([one]).filterRows(columns, kept),
          rows,
        );
        expect(together).toEqual(apart);
      }),
      { numRuns: 300 },
    );
  });
});
