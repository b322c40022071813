import { UnknownMetricError } from '../errors';
import { eventsOfSet } from '../metadata/annotations';
import type { Registry } from '../registry/registry';
import type { AnnotationSet, TableMetric, TimeSeriesMetric } from '../registry/types';
import { gapToNull } from '../series/columnar';
import { type CompiledFilters, compileFilters } from '../series/filters';
import { rowsInRange } from '../series/rows';
import type { PatternOptions } from '../series/saferegex';
import type { Cell, Columns, TableColumn, TimeRange } from '../series/types';
import { EVENT_COLUMNS, eventRow } from './native-annotations';
import type { QueryPlan, QueryTarget } from './normalize';
import { payloadFormat, type ResultFormat } from './payload/builtins';
import { readChoices, type TargetChoices, transformColumns } from './payload/choices';
import type { Selectors } from './payload/selectors';
import { readSeries } from './read';
import { namedAnnotationSets, resolveNames, selectionOf } from './selection';

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

/** A series or table the target asked to receive as a Grafana data frame (query/frames.ts). */
export interface FrameResult {
  readonly kind: 'frame';
  readonly source: SeriesResult | TableResult;
}

export type QueryResult = SeriesResult | TableResult | FrameResult;

/** The pattern cap for targets and ad hoc filters. */
export type RunOptions = PatternOptions;

const EMPTY: Columns = { times: new Float64Array(0), values: new Float64Array(0) };

/**
 * Resolves every target against the registry and reads its data, in request order.
 * A target that matches no metric fails the whole request (400 naming it) only when no other target
 * matched; otherwise it yields an empty series with a warning notice, so the other panels still draw.
 * A target's payload (query/payload/choices.ts) narrows its metrics by label, overrides the aggregation,
 * applies declared value transforms and picks the format; `frames` wraps each result as a FrameResult.
 * A target naming an annotation set (alone or as one value of `(a|b)`) gets the set's events in the range
 * as a table with the columns of an annotation query (time, timeEnd, title, text, tags).
 */
export function runQuery(registry: Registry, plan: QueryPlan, options: RunOptions = {}): QueryResult[] {
  const filters = compileFilters(plan.filters, options);
  const names = registry.names();
  const perTarget = plan.targets.map((t) => ({
    target: t,
    names: resolveNames(names, t.target, { ...options, field: `body/targets/${t.index}/target` }),
    sets: namedAnnotationSets(registry, t.target),
  }));
  const unmatched = perTarget
    .filter((m) => m.names.length === 0 && m.sets.length === 0)
    .map((m) => m.target.target);
  if (unmatched.length > 0 && unmatched.length === perTarget.length) {
    const list = unmatched.map((t) => JSON.stringify(t)).join(', ');
    throw new UnknownMetricError(unmatched[0] as string, `unknown metric ${list}`);
  }
  const results: QueryResult[] = [];
  for (const { target, names: matched, sets } of perTarget) {
    const field = `body/targets/${target.index}/payload`;
    if (matched.length === 0) {
      const format = payloadFormat(target.payload, field) ?? target.format;
      if (sets.length === 0) results.push(inFormat(format, unknownTargetNotice(target)));
      for (const set of sets) results.push(inFormat(format, eventsTable(target, set, plan.range, filters)));
      continue;
    }
    const selection = selectionOf(matched.map((n) => registry.get(n)).filter((m) => m !== undefined));
    const choices = readChoices(target.payload, selection, field, options);
    const format = choices.format ?? target.format;
    const series = selection.series.filter(
      (m) => filters.matchesLabels(m.labels) && choices.selectors.keepsSeries(m),
    );
    if (format === 'table' && series.length > 0) {
      results.push(seriesAsTable(target, series, plan, choices));
    } else {
      for (const metric of series)
        results.push(inFormat(format, seriesResult(target, metric, plan, choices)));
    }
    for (const table of selection.tables) {
      const result = tableResult(target, table, plan.range, filters, choices.selectors);
      if (result !== undefined) results.push(inFormat(format, result));
    }
    for (const set of sets) results.push(inFormat(format, eventsTable(target, set, plan.range, filters)));
  }
  return results;
}

/** An annotation set's events in the range, as the table an annotation query answers; ad hoc filters apply. */
function eventsTable(
  target: QueryTarget,
  set: AnnotationSet,
  range: TimeRange,
  filters: CompiledFilters,
): TableResult {
  const rows = eventsOfSet(set, range).map(eventRow);
  return {
    kind: 'table',
    refId: target.refId,
    name: set.name,
    columns: EVENT_COLUMNS,
    rows: filters.filterRows(EVENT_COLUMNS, rows),
  };
}

function inFormat(format: ResultFormat | undefined, result: SeriesResult | TableResult): QueryResult {
  return format === 'frames' ? { kind: 'frame', source: result } : result;
}

function seriesResult(
  target: QueryTarget,
  metric: TimeSeriesMetric,
  plan: QueryPlan,
  choices: TargetChoices,
): SeriesResult {
  const points = readSeries(metric, plan.range, {
    maxDataPoints: plan.maxDataPoints,
    intervalMs: plan.intervalMs,
    ...(choices.aggregation === undefined ? {} : { aggregation: choices.aggregation }),
  });
  const transform = choices.transformOf(metric);
  return {
    kind: 'timeserie',
    refId: target.refId,
    target: metric.displayName ?? metric.name,
    labels: metric.labels,
    unit: transform?.unit ?? metric.unit,
    points: transform === undefined ? points : transformColumns(points, transform),
  };
}

/** Legacy "Format as: Table" on time series: one table with Time, Metric, every label, Value. */
function seriesAsTable(
  target: QueryTarget,
  series: readonly TimeSeriesMetric[],
  plan: QueryPlan,
  choices: TargetChoices,
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
    const { times, values } = seriesResult(target, metric, plan, choices).points;
    const labelCells = labelKeys.map((k) => metric.labels[k] ?? null);
    for (let i = 0; i < times.length; i++) {
      rows.push([
        times[i] as number,
        metric.displayName ?? metric.name,
        ...labelCells,
        gapToNull(values[i] as number),
      ]);
    }
  }
  return { kind: 'table', refId: target.refId, name: target.target, columns, rows };
}

/**
 * Rows inside the range (when the table has a time column) that pass the ad hoc filters and the payload's
 * label selection; undefined when the selection leaves the table out (it lacks a selected column).
 */
function tableResult(
  target: QueryTarget,
  table: TableMetric,
  range: TimeRange,
  filters: CompiledFilters,
  selectors: Selectors,
): TableResult | undefined {
  const selected = selectors.tableRows(table, rowsInRange(table.rows, table.timeColumn, range));
  if (selected === undefined) return undefined;
  return {
    kind: 'table',
    refId: target.refId,
    name: table.displayName ?? table.name,
    columns: table.columns,
    rows: filters.filterRows(table.columns, selected),
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
