/**
 * Grafana's SQL macros (the PostgreSQL / MySQL data sources' names and meaning) expanded for one request.
 * Every value of the request (times, intervals, payload and filter values) becomes a bound parameter;
 * only the fixture author's SQL (column arguments, literal intervals) is text. docs/sql.md "Macros" has
 * the reference per dialect.
 */
import { PayloadError, ValidationError } from '../errors';
import type { AdhocFilter, TimeRange } from '../series/types';
import { filterCondition } from './conditions';
import { DIALECT_SQL, type DialectSql } from './dialects';
import {
  adhocKey,
  type FillArg,
  type IntervalArg,
  type MacroUse,
  parseFill,
  parseInterval,
  parseKey,
  parseLiteral,
  type ParsedSql,
  parseSql,
} from './macro-parse';
import { type Param, ParamList } from './params';
import type { Dialect, Statement } from './types';

export interface MacroContext {
  /** Epoch ms, both inclusive. */
  readonly range: TimeRange;
  readonly intervalMs: number;
  /** Read by no macro (Grafana's SQL macros have none); here so a ReadRequest can be passed as it is. */
  readonly maxDataPoints?: number;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The request's ad hoc filters, for `$__adhocFilters(…)`. */
  readonly filters?: readonly AdhocFilter[];
  /** Where payload errors point: default `body/targets/payload` (the caller knows the target's index). */
  readonly payloadField?: string;
}

/** How the rows' buckets are to be filled (`$__timeGroup(col, interval, fill)`), for the result shaping. */
export interface Fill {
  readonly mode: FillArg['kind'];
  readonly value?: number;
  readonly intervalMs: number;
}

export interface ExpandedStatement extends Statement {
  /** The first `$__timeGroup` fill, if any. */
  readonly fill?: Fill;
  /** The filters `$__adhocFilters(…)` put in the SQL (the server need not apply them again). */
  readonly appliedFilters: readonly AdhocFilter[];
}

/** The finest interval a request may bucket by, in ms. */
const MIN_INTERVAL_MS = 1e-6;

/** Grafana's text of an interval: `500ms`, `30s`, `5m`, `1h`, `1d`. */
export function intervalText(ms: number): string {
  const units: ReadonlyArray<readonly [string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function scalar(value: unknown): value is Param {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

class Expander {
  private readonly params: ParamList;
  private readonly sql: DialectSql;
  fill: Fill | undefined;
  readonly applied = new Set<AdhocFilter>();

  constructor(
    private readonly dialect: Dialect,
    private readonly context: MacroContext,
  ) {
    this.params = new ParamList(dialect);
    this.sql = DIALECT_SQL[dialect];
    const { range, intervalMs } = context;
    if (!Number.isFinite(range.from) || !Number.isFinite(range.to)) {
      throw new ValidationError('range must be two epoch ms times', 'body/range');
    }
    // Below a nanosecond the bound interval in seconds underflows (5e-324 / 1000 is 0) or a time divided
    // by it overflows: the database would refuse the statement (division by zero, out of range).
    if (!(Number.isFinite(intervalMs) && intervalMs >= MIN_INTERVAL_MS)) {
      throw new ValidationError(
        `intervalMs must be a number of at least ${MIN_INTERVAL_MS} (a nanosecond), got ${intervalMs}`,
        'body/intervalMs',
      );
    }
  }

  get bound(): readonly Param[] {
    return this.params.params;
  }

  private from(): string {
    return this.params.add(this.context.range.from / 1000, 'from');
  }
  private to(): string {
    return this.params.add(this.context.range.to / 1000, 'to');
  }
  /** Whole seconds, widened (floor / ceil): an integer column is compared exactly, the server clips the rest. */
  private epochFrom(): string {
    return this.params.add(Math.floor(this.context.range.from / 1000), 'epoch-from');
  }
  private epochTo(): string {
    return this.params.add(Math.ceil(this.context.range.to / 1000), 'epoch-to');
  }

  private interval(arg: IntervalArg): { text: string; seconds: number } {
    if (arg.kind === 'fixed') return { text: String(arg.seconds), seconds: arg.seconds };
    const seconds = this.context.intervalMs / 1000;
    return { text: this.sql.intervalParam(this.params.add(seconds, 'interval-seconds')), seconds };
  }

  private group(use: MacroUse, seconds: (col: string) => string, alias: boolean): string {
    const [col = '', intervalArg = '', fillArg] = use.args;
    // Checked by parseSql: the interval parses.
    const parsed = parseInterval(intervalArg) ?? { kind: 'request' };
    // Bind in text order: `?` placeholders are numbered by position.
    const { text, seconds: width } = this.interval(parsed);
    const secondsSql = seconds(col);
    const first = this.sql.floorTo(secondsSql, text);
    // A second `?` needs its own value; postgres reuses `$n` (floorTo repeats the same text).
    const expr =
      this.dialect === 'postgres' || parsed.kind === 'fixed' ? first : this.rebindInterval(first, text);
    const fill = fillArg === undefined ? undefined : parseFill(fillArg);
    if (fill !== undefined && this.fill === undefined) {
      this.fill = {
        mode: fill.kind,
        ...(fill.kind === 'value' ? { value: fill.value } : {}),
        intervalMs: width * 1000,
      };
    }
    return alias ? expr + this.sql.timeAlias : expr;
  }

  /** `floorTo` writes the interval twice; each `?` after the first is bound again, in order. */
  private rebindInterval(expr: string, placeholder: string): string {
    const count = expr.split(placeholder).length - 1;
    for (let n = 1; n < count; n += 1) this.params.add(this.context.intervalMs / 1000);
    return expr;
  }

  private payloadValue(use: MacroUse): Param {
    const [keyArg = '', defaultArg] = use.args;
    const key = parseKey(keyArg) ?? keyArg;
    const field = `${this.context.payloadField ?? 'body/targets/payload'}/${key}`;
    const value = this.context.payload[key];
    if (value === undefined) {
      if (defaultArg !== undefined) return parseLiteral(defaultArg)?.value ?? null;
      throw new PayloadError(`${field} is required by the query ($__payload(${keyArg}))`, field);
    }
    if (!scalar(value)) {
      throw new PayloadError(
        `${field} must be one string, number or boolean; got ${JSON.stringify(value)}`,
        field,
      );
    }
    return value;
  }

  private payloadList(use: MacroUse): string {
    const keyArg = use.args[0] ?? '';
    const key = parseKey(keyArg) ?? keyArg;
    const field = `${this.context.payloadField ?? 'body/targets/payload'}/${key}`;
    const value = this.context.payload[key];
    if (value === undefined) {
      throw new PayloadError(`${field} is required by the query ($__payloadIn(${keyArg}))`, field);
    }
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (!list.every(scalar) || list.some((v) => v === null)) {
      throw new PayloadError(
        `${field} must be strings, numbers or booleans; got ${JSON.stringify(value)}`,
        field,
      );
    }
    // `IN ()` is not SQL; `IN (NULL)` matches no row.
    if (list.length === 0) return '(NULL)';
    return `(${list.map((v) => this.params.add(v)).join(', ')})`;
  }

  private adhoc(use: MacroUse): string {
    const conditions: string[] = [];
    for (const filter of this.context.filters ?? []) {
      const col = use.args.find((arg) => adhocKey(arg) === filter.key);
      if (col === undefined) continue;
      const condition = filterCondition(filter, col, undefined, this.params);
      if (condition === undefined) continue;
      conditions.push(condition);
      this.applied.add(filter);
    }
    return conditions.length === 0 ? this.sql.always : `(${conditions.join(' AND ')})`;
  }

  expand(use: MacroUse): string {
    const col = use.args[0] ?? '';
    switch (use.name) {
      case 'timeFilter':
        return this.sql.timeFilter(col, this.from(), this.to());
      case 'timeFrom':
        return this.sql.timestamp(this.from());
      case 'timeTo':
        return this.sql.timestamp(this.to());
      case 'time':
        return col + this.sql.timeAlias;
      case 'timeEpoch':
        return this.sql.epoch(col) + this.sql.timeAlias;
      case 'timeGroup':
      case 'timeGroupAlias':
        return this.group(use, (c) => this.sql.epoch(c), use.name === 'timeGroupAlias');
      case 'unixEpochFilter': {
        const from = this.epochFrom();
        return `${col} >= ${from} AND ${col} <= ${this.epochTo()}`;
      }
      case 'unixEpochFrom':
        return this.epochFrom();
      case 'unixEpochTo':
        return this.epochTo();
      case 'unixEpochGroup':
      case 'unixEpochGroupAlias':
        return this.group(use, (c) => c, use.name === 'unixEpochGroupAlias');
      case 'interval':
        return this.params.add(intervalText(this.context.intervalMs), 'interval-text');
      case 'interval_ms':
        return this.params.add(this.context.intervalMs, 'interval-ms');
      case 'payload':
        return this.params.add(this.payloadValue(use));
      case 'payloadIn':
        return this.payloadList(use);
      case 'adhocFilters':
        return this.adhoc(use);
    }
  }
}

/**
 * `sql` with its macros expanded for one request. `sql` may be parsed once at load (`parseSql`) and
 * expanded per request. Throws MacroError (a FixtureError) for a malformed macro when not parsed before,
 * PayloadError (400) for a payload value the query needs and did not get or cannot bind.
 */
export function expandMacros(
  sql: string | ParsedSql,
  dialect: Dialect,
  context: MacroContext,
): ExpandedStatement {
  const parsed =
    typeof sql === 'string' || sql.dialect !== dialect
      ? parseSql(typeof sql === 'string' ? sql : sql.sql, dialect)
      : sql;
  const expander = new Expander(dialect, context);
  let text = '';
  let at = 0;
  for (const use of parsed.macros) {
    text += parsed.sql.slice(at, use.start) + expander.expand(use);
    at = use.end;
  }
  text += parsed.sql.slice(at);
  return {
    text,
    params: expander.bound,
    ...(expander.fill === undefined ? {} : { fill: expander.fill }),
    appliedFilters: [...expander.applied],
  };
}
