import { UnknownMetricError } from '../errors';
import type { Registry } from '../registry/registry';
import type { TableMetric, TimeSeriesMetric } from '../registry/types';
import { type CompiledFilters, compileFilters } from '../series/filters';
import { matchTarget } from '../series/match';
import type { Cell, Columns, TableColumn, TimeRange } from '../series/types';
import type { QueryPlan, QueryTarget } from './normalize';
import { readSeries } from './read';

export interface SeriesResult {
  readonly kind: 'timeserie';
  readonly refId: string;
  /** The name Grafana shows: the metric's display name, else its name. */
  readonly target: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly unit: string | undefined;
  readonly points: Columns;
  /** A warning Grafana shows on the panel (a target that matched nothing while others did). */
  readonly notice?: string;
}

export interface TableResult {
  readonly kind: 'table';
  readonly refId: string;
  readonly name: string;
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

export type QueryResult = SeriesResult | TableResult;

export interface RunOptions {
  readonly maxPatternLength?: number;
}

const EMPTY: Columns = { times: new Float64Array(0), values: new Float64Array(0) };

/**
 * Resolves every target against the registry and reads its data, in request order.
 * A target that matches no metric fails the whole request (400 naming it) only when no other target
 * matched; otherwise it yields an empty series with a warning notice, so the other panels still draw.
 */
export function runQuery(registry: Registry, plan: QueryPlan, options: RunOptions = {}): QueryResult[] {
  const patternOpts =
    options.maxPatternLength === undefined ? {} : { maxPatternLength: options.maxPatternLength };
  const filters = compileFilters(plan.filters, patternOpts);
  const names = registry.names();
  const perTarget = plan.targets.map((t) => ({
    target: t,
    names: matchTarget(t.target, names, patternOpts),
  }));
  const unmatched = perTarget.filter((m) => m.names.length === 0).map((m) => m.target.target);
  if (unmatched.length > 0 && unmatched.length === perTarget.length) {
    const list = unmatched.map((t) => JSON.stringify(t)).join(', ');
    throw new UnknownMetricError(unmatched[0] as string, `unknown metric ${list}`);
  }
  const results: QueryResult[] = [];
  for (const { target, names: matched } of perTarget) {
    if (matched.length === 0) {
      results.push(unknownTargetNotice(target));
      continue;
    }
    const metrics = matched.map((n) => registry.get(n)).filter((m) => m !== undefined);
    const series = metrics.filter(
      (m): m is TimeSeriesMetric => m.kind === 'timeseries' && filters.matchesLabels(m.labels),
    );
    const tables = metrics.filter((m): m is TableMetric => m.kind === 'table');
    if (target.format === 'table' && series.length > 0) {
      results.push(seriesAsTable(target, series, plan));
    } else {
      for (const metric of series) results.push(seriesResult(target, metric, plan));
    }
    for (const table of tables) results.push(tableResult(target, table, plan.range, filters));
  }
  return results;
}

function seriesResult(target: QueryTarget, metric: TimeSeriesMetric, plan: QueryPlan): SeriesResult {
  return {
    kind: 'timeserie',
    refId: target.refId,
    target: metric.displayName ?? metric.name,
    labels: metric.labels,
    unit: metric.unit,
    points: readSeries(metric, plan.range, {
      maxDataPoints: plan.maxDataPoints,
      intervalMs: plan.intervalMs,
    }),
  };
}

/** Legacy "Format as: Table" on time series: one table with Time, Metric, every label, Value. */
function seriesAsTable(
  target: QueryTarget,
  series: readonly TimeSeriesMetric[],
  plan: QueryPlan,
): TableResult {
  const labelKeys = [...new Set(series.flatMap((m) => Object.keys(m.labels)))];
  const columns: TableColumn[] = [
    { text: 'Time', type: 'time' },
    { text: 'Metric', type: 'string' },
    ...labelKeys.map((text): TableColumn => ({ text, type: 'string' })),
    { text: 'Value', type: 'number' },
  ];
  const rows: Cell[][] = [];
  for (const metric of series) {
    const { times, values } = seriesResult(target, metric, plan).points;
    const labelCells = labelKeys.map((k) => metric.labels[k] ?? null);
    for (let i = 0; i < times.length; i++) {
      const v = values[i] as number;
      rows.push([
        times[i] as number,
        metric.displayName ?? metric.name,
        ...labelCells,
        Number.isNaN(v) ? null : v,
      ]);
    }
  }
  return { kind: 'table', refId: target.refId, name: target.target, columns, rows };
}

/** Rows inside the range (when the table has a time column) that pass the ad hoc filters. */
function tableResult(
  target: QueryTarget,
  table: TableMetric,
  range: TimeRange,
  filters: CompiledFilters,
): TableResult {
  const tc = table.timeColumn;
  const inRange =
    tc === undefined
      ? table.rows
      : table.rows.filter((row) => {
          const t = row[tc];
          return typeof t === 'number' && t >= range.from && t <= range.to;
        });
  return {
    kind: 'table',
    refId: target.refId,
    name: table.displayName ?? table.name,
    columns: table.columns,
    rows: filters.filterRows(table.columns, inRange),
  };
}

function unknownTargetNotice(target: QueryTarget): SeriesResult {
  return {
    kind: 'timeserie',
    refId: target.refId,
    target: target.target,
    labels: {},
    unit: undefined,
    points: EMPTY,
    notice: `unknown metric ${JSON.stringify(target.target)}`,
  };
}
