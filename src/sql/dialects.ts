/**
 * What each dialect writes for the time macros (STYLE habit 12: a dialect's SQL in one place). Arguments
 * are SQL text: `col` is the fixture author's column expression, the others are placeholders (or, for an
 * interval the author wrote as a literal, its number of seconds).
 *
 * The bound times are epoch seconds (fractional: ms precision). PostgreSQL's `to_timestamp` and MySQL's
 * `FROM_UNIXTIME` read them in the session time zone, so a `timestamp without time zone` / DATETIME
 * column is compared as UTC only when the session is UTC (the drivers set it); `timestamptz` and
 * MySQL TIMESTAMP columns are compared exactly in any session zone.
 *
 * SQLite has no timestamp type: its time macros assume the column holds epoch seconds (INTEGER or REAL,
 * as Home Assistant's recorder `states.last_updated_ts`). For ISO-8601 text, pass the conversion as the
 * column: `$__timeFilter(unixepoch(created, 'subsec'))`.
 */
import { quoteName } from './identifiers';
import type { Dialect } from './types';

export interface DialectSql {
  /** `col` between two bound epoch-second values. */
  timeFilter(col: string, from: string, to: string): string;
  /** A bound epoch-second value as the dialect's timestamp. */
  timestamp(seconds: string): string;
  /** A timestamp column as epoch seconds. */
  epoch(col: string): string;
  /** Epoch seconds `seconds` (SQL) floored to a multiple of `interval` seconds (SQL). */
  floorTo(seconds: string, interval: string): string;
  /** The interval placeholder as the dialect needs it in arithmetic. */
  intervalParam(placeholder: string): string;
  /** ` AS "time"` / `` AS `time` ``. */
  readonly timeAlias: string;
  /** A condition that is always true (for `$__adhocFilters` with no filter). */
  readonly always: string;
}

const postgres: DialectSql = {
  timeFilter: (col, from, to) => `${col} BETWEEN to_timestamp(${from}) AND to_timestamp(${to})`,
  timestamp: (s) => `to_timestamp(${s})`,
  epoch: (col) => `extract(epoch from ${col})`,
  floorTo: (s, i) => `floor(${s}/${i})*${i}`,
  // An untyped parameter beside an integer column would be read as an integer ('1.5' then fails).
  intervalParam: (p) => `${p}::float8`,
  timeAlias: ` AS ${quoteName('postgres', 'time')}`,
  always: '1=1',
};

/**
 * A bound value is a DOUBLE to MySQL (prepared statements), and FROM_UNIXTIME(1704067290.123e0) is
 * …30.122999: the DECIMAL cast keeps the ms exact.
 */
function mysqlTime(seconds: string): string {
  return `FROM_UNIXTIME(CAST(${seconds} AS DECIMAL(20,3)))`;
}

const mysql: DialectSql = {
  timeFilter: (col, from, to) => `${col} BETWEEN ${mysqlTime(from)} AND ${mysqlTime(to)}`,
  timestamp: mysqlTime,
  epoch: (col) => `UNIX_TIMESTAMP(${col})`,
  floorTo: (s, i) => `FLOOR(${s} / ${i}) * ${i}`,
  intervalParam: (p) => p,
  timeAlias: ` AS ${quoteName('mysql', 'time')}`,
  always: '1=1',
};

const sqlite: DialectSql = {
  timeFilter: (col, from, to) => `${col} BETWEEN ${from} AND ${to}`,
  timestamp: (s) => s,
  epoch: (col) => col,
  // CAST: integer / integer is integer division in SQLite, which truncates toward zero.
  floorTo: (s, i) => `floor(CAST(${s} AS REAL) / ${i}) * ${i}`,
  intervalParam: (p) => p,
  timeAlias: ` AS ${quoteName('sqlite', 'time')}`,
  always: '1=1',
};

export const DIALECT_SQL: Readonly<Record<Dialect, DialectSql>> = { postgres, mysql, sqlite };
