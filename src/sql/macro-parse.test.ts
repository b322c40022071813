import { FixtureError } from '../errors';
import { adhocKey, checkQuery, MacroError, parseInterval, parseSql } from './macro-parse';
import type { Dialect } from './types';

describe('checkQuery: a fixture SQL error names the macro and where it is', () => {
  it.each<[Dialect, string, string]>([
    ['postgres', 'SELECT $__timeFiltr(ts)', 'unknown macro $__timeFiltr (line 1, column 8)'],
    ['postgres', 'SELECT 1 WHERE\n  $__timeFilter(ts', '$__timeFilter( is never closed (line 2, column 16)'],
    ['mysql', '$__timeFilter()', '$__timeFilter takes 1 argument(s), got 0 (line 1, column 1)'],
    ['mysql', '$__timeFilter(a, b)', '$__timeFilter takes 1 argument(s), got 2 (line 1, column 1)'],
    ['sqlite', '$__timeFrom', '$__timeFrom needs parentheses: $__timeFrom(…) (line 1, column 1)'],
    ['sqlite', '$__timeGroup(ts)', '$__timeGroup takes 2 to 3 argument(s), got 1 (line 1, column 1)'],
    [
      'postgres',
      "$__timeGroup(ts, '5 minutes')",
      `$__timeGroup: interval "'5 minutes'" is not $__interval, auto, seconds or a duration like '5m' (line 1, column 1)`,
    ],
    [
      'postgres',
      '$__timeGroup(ts, 1m, sometimes)',
      '$__timeGroup: fill "sometimes" is not NULL, previous or a number (line 1, column 1)',
    ],
    [
      'postgres',
      '$__timeGroup(ts, 0)',
      `$__timeGroup: interval "0" is not $__interval, auto, seconds or a duration like '5m' (line 1, column 1)`,
    ],
    [
      'postgres',
      '$__timeFilter($__timeFrom())',
      '$__timeFilter: a macro inside the column argument is not expanded (line 1, column 1)',
    ],
    ['postgres', '$__payload(1x)', '$__payload: payload key "1x" is not a name (line 1, column 1)'],
    [
      'postgres',
      '$__payload(k, now())',
      `$__payload: default "now()" is not a number, 'string', true, false or NULL (line 1, column 1)`,
    ],
    [
      'mysql',
      '$__adhocFilters(lower(room))',
      '$__adhocFilters: "lower(room)" is not a column name (line 1, column 1)',
    ],
    ['mysql', '$__adhocFilters()', '$__adhocFilters takes at least 1 argument(s), got 0 (line 1, column 1)'],
    [
      'postgres',
      'SELECT * FROM t WHERE a = $1',
      'placeholder "$1" in the SQL: request values come in through macros ($__payload(key), …) (line 1, column 27)',
    ],
    ['mysql', 'SELECT * FROM t WHERE a = ?', 'placeholder "?" in the SQL'],
    ['sqlite', 'SELECT * FROM t WHERE a = :name', 'placeholder ":n" in the SQL'],
    ['sqlite', "SELECT 'open", 'unterminated string literal (line 1, column 8)'],
    ['postgres', 'SELECT 1 /* open', 'unterminated /* comment (line 1, column 10)'],
    ['postgres', 'SELECT $x$ open', 'unterminated $x$ quoted string (line 1, column 8)'],
    ['mysql', 'SELECT `open', 'unterminated quoted identifier (line 1, column 8)'],
  ])('%s: %s', (dialect, sql, message) => {
    expect(() => checkQuery(sql, dialect, { file: 'plant.json', field: 'metrics/0/sql' })).toThrow(
      `plant.json: metrics/0/sql: ${message}`,
    );
    expect(() => checkQuery(sql, dialect)).toThrow(FixtureError);
    expect(() => checkQuery(sql, dialect)).toThrow(MacroError);
  });

  it.each<[Dialect, string]>([
    ['postgres', "SELECT data ? 'key', a::int FROM t WHERE $__timeFilter(ts)"],
    ['mysql', 'SELECT @row := @row + 1, 5--3 FROM t'],
    ['sqlite', "SELECT ':x ?' FROM t -- ?\n"],
    ['postgres', 'SELECT $__timeGroupAlias(ts, $__interval), count(*) FROM t GROUP BY 1'],
  ])('%s: %s is accepted', (dialect, sql) => {
    expect(() => checkQuery(sql, dialect)).not.toThrow();
  });

  it('parseSql lists the macros with their trimmed arguments', () => {
    expect(
      parseSql("SELECT $__timeGroup( ts , '5m' ), x FROM t WHERE $__timeFilter( f(a, b) )", 'postgres')
        .macros,
    ).toEqual([
      { name: 'timeGroup', start: 7, end: 32, args: ['ts', "'5m'"] },
      { name: 'timeFilter', start: 49, end: 73, args: ['f(a, b)'] },
    ]);
  });
});

describe('arguments', () => {
  it.each([
    ['$__interval', { kind: 'request' }],
    ['auto', { kind: 'request' }],
    ["'$__interval'", { kind: 'request' }],
    ['300', { kind: 'fixed', seconds: 300 }],
    ['1.5', { kind: 'fixed', seconds: 1.5 }],
    ["'10s'", { kind: 'fixed', seconds: 10 }],
    ['5m', { kind: 'fixed', seconds: 300 }],
    ['2h', { kind: 'fixed', seconds: 7200 }],
    ['1d', { kind: 'fixed', seconds: 86400 }],
    ['1w', { kind: 'fixed', seconds: 604800 }],
    ['250ms', { kind: 'fixed', seconds: 0.25 }],
    ['-5m', undefined],
    ['5y', undefined],
    ['', undefined],
  ])('interval %s', (text, parsed) => {
    expect(parseInterval(text)).toEqual(parsed);
  });

  it.each([
    ['room', 'room'],
    ['s.room', 'room'],
    ['public.s.room', 'room'],
    ['"Room ""A"""', 'Room "A"'],
    ['`my``col`', 'my`col'],
    ['[a b]', 'a b'],
    ['s."Room"', 'Room'],
    ['lower(room)', undefined],
    ['room AS r', undefined],
  ])('adhoc column %s answers key %s', (text, key) => {
    expect(adhocKey(text)).toBe(key);
  });
});
