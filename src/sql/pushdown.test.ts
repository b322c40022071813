import { ValidationError } from '../errors';
import type { AdhocFilter } from '../series/types';
import { pushDownFilters, stripTrailing } from './pushdown';
import type { ResultColumn, Statement } from './types';

const columns: ResultColumn[] = [
  { name: 'time', type: 'time' },
  { name: 'room', type: 'string' },
  { name: 'temp', type: 'number' },
  { name: 'on', type: 'boolean' },
];
const pg: Statement = { text: 'SELECT * FROM t WHERE ts > to_timestamp($1);', params: [1] };
const my: Statement = { text: 'SELECT * FROM t WHERE ts > FROM_UNIXTIME(?) -- recent', params: [1] };

const f = (key: string, operator: AdhocFilter['operator'], value: string, values?: string[]): AdhocFilter =>
  values === undefined ? { key, operator, value } : { key, operator, value, values };

describe('pushDownFilters', () => {
  it("postgres: numbered after the statement's own parameters", () => {
    const result = pushDownFilters(pg, 'postgres', columns, [
      f('room', '=', 'kitchen'),
      f('temp', '>', '20.5'),
      f('room', '!=|', '', ['a', 'b']),
    ]);
    expect(result.statement).toEqual({
      text: 'SELECT * FROM (\nSELECT * FROM t WHERE ts > to_timestamp($1)\n) AS adhoc_filtered WHERE "room" = $2 AND "temp" > $3 AND ("room" IS NULL OR "room" NOT IN ($4, $5))',
      params: [1, 'kitchen', 20.5, 'a', 'b'],
    });
    expect(result.remaining).toEqual([]);
    expect(result.notColumns).toEqual([]);
  });

  it('mysql: ? after the subquery ones, its trailing comment dropped', () => {
    const result = pushDownFilters(my, 'mysql', columns, [f('temp', '<', '3'), f('room', '=|', '', ['x'])]);
    expect(result.statement).toEqual({
      text: 'SELECT * FROM (\nSELECT * FROM t WHERE ts > FROM_UNIXTIME(?)\n) AS adhoc_filtered WHERE `temp` < ? AND `room` IN (?)',
      params: [1, 3, 'x'],
    });
  });

  it('regex filters, values not fitting the column and non-columns are returned, not pushed', () => {
    const filters = [
      f('room', '=~', '(a+)+$'),
      f('room', '!~', 'x'),
      f('temp', '<', 'warm'),
      f('temp', '=|', '', ['1', 'two']),
      f('time', '>', '5'),
      f('on', '=', 'true'),
      f('site', '=', 'a'),
      f('room', '!=', 'hall'),
    ];
    const result = pushDownFilters(pg, 'postgres', columns, filters);
    expect(result.pushed).toEqual([filters[7]]);
    expect(result.remaining).toEqual(filters.slice(0, 6));
    expect(result.notColumns).toEqual([filters[6]]);
    expect(result.statement.text).toMatch(/WHERE \("room" IS NULL OR "room" <> \$2\)$/);
    expect(result.statement.params).toEqual([1, 'hall']);
  });

  it('an empty =| or !=| list is [value], as the server reads it', () => {
    const result = pushDownFilters(pg, 'sqlite', columns, [
      f('room', '=|', 'hall', []),
      f('room', '!=|', 'attic', []),
    ]);
    expect(result.statement.text).toMatch(
      /WHERE "room" IN \(\?\) AND \("room" IS NULL OR "room" NOT IN \(\?\)\)$/,
    );
    expect(result.statement.params.slice(-2)).toEqual(['hall', 'attic']);
  });

  it('nothing to push: the statement as it was', () => {
    const result = pushDownFilters(pg, 'postgres', columns, [f('site', '=', 'a')]);
    expect(result.statement).toBe(pg);
  });

  it('orderBy takes known columns only', () => {
    expect(pushDownFilters(pg, 'sqlite', columns, [], { orderBy: ['time', 'room'] }).statement.text).toBe(
      'SELECT * FROM (\nSELECT * FROM t WHERE ts > to_timestamp($1)\n) AS adhoc_filtered ORDER BY "time", "room"',
    );
    expect(() => pushDownFilters(pg, 'sqlite', columns, [], { orderBy: ['1; DROP TABLE t'] })).toThrow(
      ValidationError,
    );
  });

  it('a column name with quotes is quoted, the value bound', () => {
    const odd: ResultColumn[] = [{ name: 'a"b', type: 'string' }];
    const result = pushDownFilters({ text: 'SELECT 1', params: [] }, 'postgres', odd, [
      f('a"b', '=', "'; --"),
    ]);
    expect(result.statement).toEqual({
      text: 'SELECT * FROM (\nSELECT 1\n) AS adhoc_filtered WHERE "a""b" = $1',
      params: ["'; --"],
    });
  });
});

describe('stripTrailing', () => {
  it.each([
    ['SELECT 1;', 'SELECT 1'],
    ['SELECT 1 ; ;\n -- done\n', 'SELECT 1'],
    ["SELECT ';' /* x */", "SELECT ';'"],
    ['SELECT "a;"  ', 'SELECT "a;"'],
  ])('%j → %j', (sql, stripped) => {
    expect(stripTrailing(sql, 'postgres')).toBe(stripped);
  });
});
