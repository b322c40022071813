import { PayloadError, ValidationError } from '../errors';
import { expandMacros, intervalText, type MacroContext } from './macros';
import type { Dialect } from './types';

const FROM = 1_700_000_000_123;
const TO = 1_700_003_600_456;
const ctx: MacroContext = {
  range: { from: FROM, to: TO },
  intervalMs: 60_000,
  payload: { room: "o'brien", rooms: ['a', 'b'], n: 3, flag: true, list: [], obj: { a: 1 } },
};

const expand = (sql: string, dialect: Dialect, context: MacroContext = ctx) => {
  const { text, params } = expandMacros(sql, dialect, context);
  return { text, params };
};

describe('time macros per dialect', () => {
  it.each<[Dialect, string, string, unknown[]]>([
    [
      'postgres',
      '$__timeFilter(ts)',
      'ts BETWEEN to_timestamp($1) AND to_timestamp($2)',
      [FROM / 1000, TO / 1000],
    ],
    [
      'mysql',
      '$__timeFilter(ts)',
      'ts BETWEEN FROM_UNIXTIME(CAST(? AS DECIMAL(20,3))) AND FROM_UNIXTIME(CAST(? AS DECIMAL(20,3)))',
      [FROM / 1000, TO / 1000],
    ],
    ['sqlite', '$__timeFilter(ts)', 'ts BETWEEN ? AND ?', [FROM / 1000, TO / 1000]],
    [
      'postgres',
      '$__timeFrom() < $__timeTo()',
      'to_timestamp($1) < to_timestamp($2)',
      [FROM / 1000, TO / 1000],
    ],
    [
      'mysql',
      '$__timeFrom() < $__timeTo()',
      'FROM_UNIXTIME(CAST(? AS DECIMAL(20,3))) < FROM_UNIXTIME(CAST(? AS DECIMAL(20,3)))',
      [FROM / 1000, TO / 1000],
    ],
    ['sqlite', '$__timeFrom() < $__timeTo()', '? < ?', [FROM / 1000, TO / 1000]],
    ['postgres', '$__unixEpochFilter(u)', 'u >= $1 AND u <= $2', [1_700_000_000, 1_700_003_601]],
    ['mysql', '$__unixEpochFilter(u)', 'u >= ? AND u <= ?', [1_700_000_000, 1_700_003_601]],
    ['sqlite', '$__unixEpochFilter(u)', 'u >= ? AND u <= ?', [1_700_000_000, 1_700_003_601]],
    ['postgres', '$__unixEpochFrom(), $__unixEpochTo()', '$1, $2', [1_700_000_000, 1_700_003_601]],
    ['sqlite', '$__unixEpochFrom(), $__unixEpochTo()', '?, ?', [1_700_000_000, 1_700_003_601]],
    ['postgres', '$__time(ts)', 'ts AS "time"', []],
    ['mysql', '$__time(ts)', 'ts AS `time`', []],
    ['sqlite', '$__time(ts)', 'ts AS "time"', []],
    ['postgres', '$__timeEpoch(ts)', 'extract(epoch from ts) AS "time"', []],
    ['mysql', '$__timeEpoch(ts)', 'UNIX_TIMESTAMP(ts) AS `time`', []],
    ['sqlite', '$__timeEpoch(ts)', 'ts AS "time"', []],
  ])('%s: %s', (dialect, sql, text, params) => {
    expect(expand(sql, dialect)).toEqual({ text, params });
  });
});

describe('group macros per dialect', () => {
  it.each<[Dialect, string, string, unknown[]]>([
    [
      'postgres',
      '$__timeGroup(ts, $__interval)',
      'floor(extract(epoch from ts)/$1::float8)*$1::float8',
      [60],
    ],
    ['mysql', '$__timeGroup(ts, $__interval)', 'FLOOR(UNIX_TIMESTAMP(ts) / ?) * ?', [60, 60]],
    ['sqlite', '$__timeGroup(ts, $__interval)', 'floor(CAST(ts AS REAL) / ?) * ?', [60, 60]],
    ['postgres', "$__timeGroup(ts, '5m')", 'floor(extract(epoch from ts)/300)*300', []],
    ['mysql', '$__timeGroup(ts, 1h)', 'FLOOR(UNIX_TIMESTAMP(ts) / 3600) * 3600', []],
    ['sqlite', '$__timeGroup(ts, 30)', 'floor(CAST(ts AS REAL) / 30) * 30', []],
    ['sqlite', "$__timeGroup(ts, '500ms')", 'floor(CAST(ts AS REAL) / 0.5) * 0.5', []],
    ['postgres', '$__timeGroup(ts, auto)', 'floor(extract(epoch from ts)/$1::float8)*$1::float8', [60]],
    ['postgres', '$__timeGroupAlias(ts, 10s)', 'floor(extract(epoch from ts)/10)*10 AS "time"', []],
    ['mysql', '$__timeGroupAlias(ts, 10s)', 'FLOOR(UNIX_TIMESTAMP(ts) / 10) * 10 AS `time`', []],
    ['postgres', '$__unixEpochGroup(u, $__interval)', 'floor(u/$1::float8)*$1::float8', [60]],
    ['mysql', "$__unixEpochGroupAlias(u, '1d')", 'FLOOR(u / 86400) * 86400 AS `time`', []],
    [
      'sqlite',
      '$__unixEpochGroupAlias(u, $__interval)',
      'floor(CAST(u AS REAL) / ?) * ? AS "time"',
      [60, 60],
    ],
  ])('%s: %s', (dialect, sql, text, params) => {
    expect(expand(sql, dialect)).toEqual({ text, params });
  });

  it('postgres: the select list and GROUP BY share one interval parameter, so they are the same expression', () => {
    const { text, params } = expand(
      'SELECT $__timeGroupAlias(ts, $__interval), avg(v) FROM t WHERE $__timeFilter(ts) GROUP BY $__timeGroup(ts, $__interval)',
      'postgres',
    );
    expect(text).toBe(
      'SELECT floor(extract(epoch from ts)/$1::float8)*$1::float8 AS "time", avg(v) FROM t WHERE ts BETWEEN to_timestamp($2) AND to_timestamp($3) GROUP BY floor(extract(epoch from ts)/$1::float8)*$1::float8',
    );
    expect(params).toEqual([60, FROM / 1000, TO / 1000]);
  });

  it.each([
    ["$__timeGroup(ts, '5m', 0)", { mode: 'value', value: 0, intervalMs: 300_000 }],
    ['$__timeGroup(ts, $__interval, NULL)', { mode: 'null', intervalMs: 60_000 }],
    ['$__timeGroupAlias(ts, 1m, previous)', { mode: 'previous', intervalMs: 60_000 }],
    ['$__timeGroup(ts, 1m)', undefined],
  ])('fill of %s', (sql, fill) => {
    expect(expandMacros(sql, 'postgres', ctx).fill).toEqual(fill);
  });
});

describe('interval values', () => {
  it.each<[Dialect, string, string, unknown[]]>([
    ['postgres', 'SELECT $__interval::interval, $__interval_ms', 'SELECT $1::interval, $2', ['1m', 60_000]],
    ['mysql', 'SELECT $__interval, $__interval_ms', 'SELECT ?, ?', ['1m', 60_000]],
  ])('%s: %s', (dialect, sql, text, params) => {
    expect(expand(sql, dialect)).toEqual({ text, params });
  });

  it.each([
    [500, '500ms'],
    [1000, '1s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [7_200_000, '2h'],
    [86_400_000, '1d'],
    [1500, '1500ms'],
  ])('intervalText(%d) = %s', (ms, text) => {
    expect(intervalText(ms)).toBe(text);
  });

  it.each([0, -1, Number.NaN, 5e-324, 1e-9])('refuses a request interval of %d ms', (intervalMs) => {
    const run = () => expand('$__interval', 'sqlite', { ...ctx, intervalMs });
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(`intervalMs must be a number of at least 0.000001 (a nanosecond), got ${intervalMs}`);
  });

  it('takes one of a nanosecond', () => {
    expect(expand('$__interval_ms', 'sqlite', { ...ctx, intervalMs: 1e-6 }).params).toEqual([1e-6]);
  });
});

describe('payload macros', () => {
  it.each<[Dialect, string, string, unknown[]]>([
    ['postgres', 'room = $__payload(room)', 'room = $1', ["o'brien"]],
    ['mysql', 'room = $__payload(room)', 'room = ?', ["o'brien"]],
    ['sqlite', 'n = $__payload(n) AND f = $__payload(flag)', 'n = ? AND f = ?', [3, 1]],
    ['postgres', 'f = $__payload(flag)', 'f = $1', [true]],
    ['postgres', "x = $__payload(missing, 'it''s')", 'x = $1', ["it's"]],
    ['mysql', 'x = $__payload(missing, 42) OR y = $__payload(missing, NULL)', 'x = ? OR y = ?', [42, null]],
    ['postgres', "x = $__payload('room')", 'x = $1', ["o'brien"]],
    ['postgres', 'r IN $__payloadIn(rooms)', 'r IN ($1, $2)', ['a', 'b']],
    ['sqlite', 'r IN $__payloadIn(rooms)', 'r IN (?, ?)', ['a', 'b']],
    ['sqlite', 'r IN $__payloadIn(room)', 'r IN (?)', ["o'brien"]],
    ['mysql', 'r IN $__payloadIn(list)', 'r IN (NULL)', []],
  ])('%s: %s', (dialect, sql, text, params) => {
    expect(expand(sql, dialect)).toEqual({ text, params });
  });

  it.each([
    [
      'x = $__payload(missing)',
      'body/targets/payload/missing is required by the query ($__payload(missing))',
    ],
    ['x = $__payload(obj)', 'body/targets/payload/obj must be one string, number or boolean; got {"a":1}'],
    [
      'x = $__payload(rooms)',
      'body/targets/payload/rooms must be one string, number or boolean; got ["a","b"]',
    ],
    [
      'x IN $__payloadIn(missing)',
      'body/targets/payload/missing is required by the query ($__payloadIn(missing))',
    ],
    ['x IN $__payloadIn(obj)', 'body/targets/payload/obj must be strings, numbers or booleans; got {"a":1}'],
  ])('%s → PayloadError', (sql, message) => {
    expect(() => expand(sql, 'postgres')).toThrow(new PayloadError(message, 'x'));
    try {
      expand(sql, 'postgres');
    } catch (err) {
      expect((err as PayloadError).code).toBe('INVALID_PAYLOAD');
      expect((err as PayloadError).field).toMatch(/^body\/targets\/payload\//);
    }
  });

  it('names the target in the field when the caller says where the payload is', () => {
    expect(() =>
      expand('$__payload(zz)', 'sqlite', { ...ctx, payloadField: 'body/targets/2/payload' }),
    ).toThrow('body/targets/2/payload/zz is required');
  });
});

describe('$__adhocFilters', () => {
  const filters: MacroContext['filters'] = [
    { key: 'room', operator: '=', value: 'kitchen' },
    { key: 'site', operator: '=|', value: '', values: ['a', 'b'] },
    { key: 'room', operator: '=~', value: 'k.*' },
    { key: 'other', operator: '=', value: 'x' },
    { key: 'temp', operator: '!=', value: '3' },
  ];
  it.each<[Dialect, string, string, unknown[]]>([
    [
      'postgres',
      'WHERE $__adhocFilters(s.room, "site", temp) GROUP BY 1',
      'WHERE (s.room = $1 AND "site" IN ($2, $3) AND (temp IS NULL OR temp <> $4)) GROUP BY 1',
      ['kitchen', 'a', 'b', '3'],
    ],
    ['mysql', 'WHERE $__adhocFilters(`room`)', 'WHERE (`room` = ?)', ['kitchen']],
    ['sqlite', 'WHERE $__adhocFilters([site])', 'WHERE ([site] IN (?, ?))', ['a', 'b']],
    ['sqlite', 'WHERE $__adhocFilters(nothing)', 'WHERE 1=1', []],
  ])('%s: %s', (dialect, sql, text, params) => {
    expect(expand(sql, dialect, { ...ctx, filters })).toEqual({ text, params });
  });

  it('reports the filters it applied (not the regex one, not the one on another column)', () => {
    const applied = expandMacros('$__adhocFilters(room, site)', 'postgres', {
      ...ctx,
      filters,
    }).appliedFilters;
    expect(applied).toEqual([filters[0], filters[1]]);
  });
});

describe('what is not a macro', () => {
  it.each<[Dialect, string]>([
    [
      'postgres',
      "SELECT '$__timeFrom()', \"$__timeTo()\", $$ $__interval $$, $q$ $__x $q$, E'\\' $__interval' -- $__y\n",
    ],
    ['postgres', '/* outer /* $__a */ $__b */ SELECT 1'],
    ['mysql', "SELECT '\\' $__a', \"$__b\", `$__c` # $__d\n/* $__e */ -- $__f"],
    ['sqlite', 'SELECT \'$__a\', "$__b", `$__c`, [$__d] -- $__e'],
  ])('%s: %s stays as written', (dialect, sql) => {
    expect(expand(sql, dialect)).toEqual({ text: sql, params: [] });
  });
});
