/**
 * SQL metrics as sources: a declared query (and its rollups) read through the pipeline's reader
 * interface (src/sources/types.ts). Per request: the coarsest rollup that still gives maxDataPoints
 * buckets (rollups.ts), the macros expanded with every request value bound (macros.ts), the ad hoc filters
 * on the query's own columns pushed into a WHERE around it (pushdown.ts), one statement on the database's
 * pool, and the rows shaped as Grafana's SQL data sources shape them (shape.ts). The server still clips,
 * buckets and applies the filters it could not push down.
 */
import type { AnnotationEvent } from '../registry/types';
import type { AdhocFilter } from '../series/types';
import type { Clock } from '../time/clock';
import type {
  AnnotationReader,
  LabelCatalog,
  ReadRequest,
  SeriesAnswer,
  SeriesReader,
  TableAnswer,
  TableReader,
} from '../sources/types';
import { rowCount } from './columnar';
import { timestampMs } from './driver-values';
import { quoteKnownColumn } from './identifiers';
import { parseSql, type ParsedSql } from './macro-parse';
import { type ExpandedStatement, expandMacros } from './macros';
import { pushDownFilters, stripTrailing } from './pushdown';
import { chooseRollup, type RollupSource } from './rollups';
import { numericTimeToMs, toSeries, toTable } from './shape';
import type { Database, ResultColumn, ResultSet, Statement } from './types';

/** How a reader reaches its database: opened after the whole load was checked. */
export interface DatabaseRef {
  readonly name: string;
  get(): Database;
}

export interface SqlSeriesOptions {
  readonly metric: string;
  readonly database: DatabaseRef;
  readonly query: string;
  readonly rollups?: ReadonlyArray<{ readonly intervalMs: number; readonly query: string }>;
  /** Declared label columns; else the string columns the query answers. */
  readonly labels?: readonly string[];
  /** Values of one label: `$__key` is replaced by the (checked, quoted) column. */
  readonly tagValuesQuery?: string;
  /** For tag values: the range their DISTINCT runs over ends now. */
  readonly clock: Clock;
}

/** Tag values are read over this much of the recent past, and kept this long. */
const TAG_VALUES_RANGE_MS = 7 * 86_400_000;
const TAG_VALUES_TTL_MS = 60_000;

/** A query parsed once per dialect (the dialect is known only once the database is open). */
class Query {
  readonly #sql: string;
  #parsed: ParsedSql | undefined;
  /** The columns its last answer had: where ad hoc filters can be pushed down. */
  columns: readonly ResultColumn[] | undefined;

  constructor(sql: string) {
    this.#sql = sql;
  }

  parsed(db: Database): ParsedSql {
    if (this.#parsed?.dialect !== db.dialect) this.#parsed = parseSql(this.#sql, db.dialect);
    return this.#parsed;
  }
}

function macroContext(request: ReadRequest) {
  return {
    range: request.range,
    intervalMs: request.intervalMs,
    maxDataPoints: request.maxDataPoints,
    payload: request.payload,
    filters: request.filters,
    payloadField: 'body/targets/payload',
  };
}

/** The columns of `statement` without reading a row: `SELECT * FROM (…) LIMIT 0`. */
async function probeColumns(
  db: Database,
  statement: Statement,
  signal: AbortSignal,
): Promise<readonly ResultColumn[]> {
  const text = `SELECT * FROM (${stripTrailing(statement.text, db.dialect)}) AS columns_probe LIMIT 0`;
  const result = await db.query({ text, params: statement.params }, { signal, maxRows: 1 });
  return result.columns;
}

/**
 * Runs `query` for `request`: macros expanded, the filters `$__adhocFilters` did not place pushed down
 * on the query's columns (found by a probe the first time filters come).
 */
async function run(
  db: Database,
  query: Query,
  request: ReadRequest,
): Promise<{ readonly result: ResultSet; readonly expanded: ExpandedStatement }> {
  const expanded = expandMacros(query.parsed(db), db.dialect, macroContext(request));
  const left = request.filters.filter((f) => !expanded.appliedFilters.includes(f));
  let statement: Statement = expanded;
  if (left.length > 0) {
    query.columns ??= await probeColumns(db, expanded, request.signal);
    statement = pushDownFilters(expanded, db.dialect, query.columns, left).statement;
  }
  // The database's own maxRows caps it (TOO_MANY_ROWS).
  const result = await db.query(statement, { signal: request.signal, maxRows: Number.MAX_SAFE_INTEGER });
  // An empty SQLite answer types its computed columns as text: keep the columns of one with rows.
  if (rowCount(result) > 0 || query.columns === undefined) query.columns = result.columns;
  return { result, expanded };
}

export function sqlSeriesReader(options: SqlSeriesOptions): SeriesReader {
  const raw = new Query(options.query);
  const rollups: RollupSource<Query>[] = (options.rollups ?? []).map((r) => ({
    intervalMs: r.intervalMs,
    query: new Query(r.query),
  }));
  const read = async (request: ReadRequest): Promise<SeriesAnswer> => {
    const db = options.database.get();
    const query = chooseRollup(request, rollups)?.query ?? raw;
    const { result, expanded } = await run(db, query, request);
    return toSeries(result, {
      metric: options.metric,
      range: request.range,
      ...(expanded.fill === undefined ? {} : { fill: expanded.fill }),
    });
  };
  return {
    read,
    labels: labelCatalog(options, raw),
    describe: `database ${JSON.stringify(options.database.name)}`,
  };
}

/** Tag keys and values of a SQL series, from its label columns; values by DISTINCT, cached a minute. */
function labelCatalog(options: SqlSeriesOptions, raw: Query): LabelCatalog {
  const cache = new Map<string, { readonly at: number; readonly values: readonly string[] }>();
  const recent = (signal: AbortSignal): ReadRequest => {
    const now = options.clock();
    return {
      metric: options.metric,
      range: { from: now - TAG_VALUES_RANGE_MS, to: now },
      intervalMs: 3_600_000,
      maxDataPoints: 1000,
      aggregation: 'avg',
      filters: [],
      payload: {},
      refId: 'tags',
      signal,
    };
  };
  const keys = async (signal: AbortSignal): Promise<readonly string[]> => {
    if (options.labels !== undefined) return options.labels;
    const db = options.database.get();
    raw.columns ??= await probeColumns(
      db,
      expandMacros(raw.parsed(db), db.dialect, macroContext(recent(signal))),
      signal,
    );
    return raw.columns.filter((c) => c.type === 'string' && c.name !== 'metric').map((c) => c.name);
  };
  return {
    keys,
    values: async (key, limit, signal) => {
      const known = await keys(signal);
      if (!known.includes(key)) return [];
      const kept = cache.get(key);
      const now = options.clock();
      if (kept !== undefined && now - kept.at < TAG_VALUES_TTL_MS) return kept.values.slice(0, limit);
      const db = options.database.get();
      const request = recent(signal);
      const column = quoteKnownColumn(db.dialect, key, known);
      const text = options.tagValuesQuery?.split('$__key').join(column);
      const statement =
        text === undefined
          ? distinctOver(db, expandMacros(raw.parsed(db), db.dialect, macroContext(request)), column, limit)
          : expandMacros(text, db.dialect, macroContext(request));
      const result = await db.query(statement, { signal, maxRows: limit });
      const values = [
        ...new Set(
          result.rows
            .map((r) => r[0])
            .filter((v) => v !== null && v !== undefined)
            .map(String),
        ),
      ];
      cache.set(key, { at: now, values });
      return values.slice(0, limit);
    },
  };
}

function distinctOver(db: Database, statement: Statement, column: string, limit: number): Statement {
  const inner = stripTrailing(statement.text, db.dialect);
  return {
    text: `SELECT DISTINCT ${column} FROM (${inner}) AS tag_values WHERE ${column} IS NOT NULL ORDER BY 1 LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: statement.params,
  };
}

export interface SqlQueryOptions {
  readonly metric: string;
  readonly database: DatabaseRef;
  readonly query: string;
}

export function sqlTableReader(options: SqlQueryOptions): TableReader {
  const query = new Query(options.query);
  return {
    read: async (request): Promise<TableAnswer> => {
      const { result } = await run(options.database.get(), query, request);
      return toTable(result, { metric: options.metric });
    },
    describe: `database ${JSON.stringify(options.database.name)}`,
  };
}

/** Events from rows with columns time, timeEnd (optional), title, text, tags (comma-separated). */
export function sqlAnnotationReader(options: SqlQueryOptions): AnnotationReader {
  const query = new Query(options.query);
  return {
    read: async (request): Promise<readonly AnnotationEvent[]> => {
      const { result } = await run(options.database.get(), query, {
        ...request,
        filters: [] as AdhocFilter[],
      });
      const at = (name: string) =>
        result.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
      const [time, timeEnd, title, text, tags] = ['time', 'timeEnd', 'title', 'text', 'tags'].map(at);
      if (time === undefined || time < 0) {
        throw new Error(
          `annotation set ${JSON.stringify(options.metric)}: the query answered no "time" column`,
        );
      }
      const events: AnnotationEvent[] = [];
      for (const row of result.rows) {
        const t = toMs(row[time]);
        if (t === undefined) continue;
        const end = timeEnd === undefined || timeEnd < 0 ? undefined : toMs(row[timeEnd]);
        events.push({
          time: t,
          ...(end === undefined ? {} : { timeEnd: end }),
          title: cellText(row, title),
          text: cellText(row, text),
          tags: cellText(row, tags)
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        });
      }
      return events;
    },
    describe: `database ${JSON.stringify(options.database.name)}`,
  };
}

function toMs(cell: unknown): number | undefined {
  if (typeof cell === 'number' && Number.isFinite(cell)) return numericTimeToMs(cell);
  if (typeof cell === 'string' && cell.trim() !== '') {
    const n = Number(cell);
    if (Number.isFinite(n)) return numericTimeToMs(n);
    return timestampMs(cell) ?? undefined;
  }
  return undefined;
}

function cellText(row: ReadonlyArray<unknown>, index: number | undefined): string {
  if (index === undefined || index < 0) return '';
  const cell = row[index];
  return cell === null || cell === undefined ? '' : String(cell);
}
