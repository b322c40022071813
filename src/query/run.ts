import { type SourceError, UnknownMetricError } from '../errors';
import { eventsOfSet } from '../metadata/annotations';
import type { Registry } from '../registry/registry';
import type { AnnotationSet, TableMetric, TimeSeriesMetric } from '../registry/types';
import {
  ConnectionDropped,
  injectFault,
  InjectedSourceError,
  isDropped,
  type ReadFault,
  type ReadFaults,
} from '../runtime/faults';
import type { JournalTarget } from '../runtime/journal';
import { gapToNull } from '../series/columnar';
import { compileFilters } from '../series/filters';
import type { PatternOptions } from '../series/saferegex';
import type { Cell, Columns, TableColumn } from '../series/types';
import { callReader, isClientGone, sourceError } from '../sources/call';
import { EVENT_COLUMNS, eventRow } from './native-annotations';
import type { QueryPlan, QueryTarget } from './normalize';
import { payloadFormat, type ResultFormat } from './payload/builtins';
import { readChoices, type TargetChoices, transformColumns } from './payload/choices';
import { type ReadContext, type ReadSeries, readSeriesOf, readTableOf } from './sourced';
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
  /** The error of a source that failed: the series is empty and Grafana shows this as an error notice. */
  readonly error?: string;
}

export interface TableResult {
  readonly kind: 'table';
  readonly refId: string;
  readonly name: string;
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
  /** The error of a source that failed: the table is empty and Grafana shows this as an error notice. */
  readonly error?: string;
}

/** A series or table the target asked to receive as a Grafana data frame (query/frames.ts). */
export interface FrameResult {
  readonly kind: 'frame';
  readonly source: SeriesResult | TableResult;
}

export type QueryResult = SeriesResult | TableResult | FrameResult;

/** Where a failing source is reported: the app's Logger fits. */
export interface FailureLog {
  error(message: string, error?: unknown): void;
  /** Where a fixture's always-on fault is reported when it fails or drops a read (the app's Logger fits). */
  warn?(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The id of the fixture fault (`fixture:<name>`) that failed or dropped this read, if one did. */
function fixtureFaultOf(error: SourceError): string | undefined {
  const id =
    error instanceof InjectedSourceError
      ? error.fault
      : error.cause instanceof ConnectionDropped
        ? error.cause.fault
        : undefined;
  return id?.startsWith('fixture:') === true ? id : undefined;
}

export interface RunOptions extends PatternOptions {
  /** Fires when the client goes away or the request times out; every reader gets it. */
  readonly signal?: AbortSignal;
  /** Each failing source is logged here once, with its cause (an injected fault is not a failure). */
  readonly log?: FailureLog;
  /** The metric and target fault rules of the request (runtime/faults.ts); given only when there are some. */
  readonly faults?: ReadFaults | undefined;
  /** What a fault that drops the connection destroys: the request's socket. */
  readonly connection?: { destroy(): void } | undefined;
  /**
   * Told once the targets are resolved, before any source is read (and before a request that matches
   * nothing fails): each target's metric names, then the annotation sets it names (the request journal).
   */
  readonly onTargets?: ((targets: readonly JournalTarget[]) => void) | undefined;
}

const EMPTY: Columns = { times: new Float64Array(0), values: new Float64Array(0) };
const NEVER = new AbortController().signal;
/** eventsOfSet logs nothing here: a set's failure is the target's error, logged with the others. */
const NO_LOG = { error: () => undefined };

/** One target's results, in order, and the errors of the sources that failed for it. */
interface TargetAnswer {
  readonly results: QueryResult[];
  readonly errors: SourceError[];
}

/**
 * Resolves every target against the registry and reads its data through each metric's reader, all targets
 * at once, the results in request order.
 * A target that matches no metric fails the whole request (400 naming it) only when no other target
 * matched; otherwise it yields an empty series with a warning notice, so the other panels still draw.
 * A source that fails (throws, rejects, answers a bad shape, outlives the request) gives its metric an
 * empty result with an error notice, logged once; only when every result failed does the request fail,
 * with the first error (its own code and status: SOURCE_FAILED 502, SOURCE_TIMEOUT 504, …).
 * A target's payload (query/payload/choices.ts) narrows its metrics by label, overrides the aggregation,
 * applies declared value transforms and picks the format; `frames` wraps each result as a FrameResult.
 * A target naming an annotation set (alone or as one value of `(a|b)`) gets the set's events in the range
 * as a table with the columns of an annotation query (time, timeEnd, title, text, tags).
 */
export async function runQuery(
  registry: Registry,
  plan: QueryPlan,
  options: RunOptions = {},
): Promise<QueryResult[]> {
  // The pattern options alone: spreading `options` would read its signal, made only on first use.
  const patterns: PatternOptions =
    options.maxPatternLength === undefined ? {} : { maxPatternLength: options.maxPatternLength };
  const filters = compileFilters(plan.filters, patterns);
  const names = registry.names();
  const perTarget = plan.targets.map((t) => ({
    target: t,
    names: resolveNames(names, t.target, { ...patterns, field: `body/targets/${t.index}/target` }),
    sets: namedAnnotationSets(registry, t.target),
  }));
  options.onTargets?.(
    perTarget.map(({ target, names: matched, sets }) => ({
      refId: target.refId,
      target: target.target,
      metrics: sets.length === 0 ? matched : [...matched, ...sets.map((s) => s.name)],
    })),
  );
  const unmatched = perTarget
    .filter((m) => m.names.length === 0 && m.sets.length === 0)
    .map((m) => m.target.target);
  if (unmatched.length > 0 && unmatched.length === perTarget.length) {
    const list = unmatched.map((t) => JSON.stringify(t)).join(', ');
    throw new UnknownMetricError(unmatched[0] as string, `unknown metric ${list}`);
  }
  // The signal is asked for only by sources that wait (readers without readNow): the request's
  // controller and its callbacks are then made only for them.
  const ctx: ReadContext = {
    plan,
    filters,
    get signal() {
      return options.signal ?? NEVER;
    },
    connection: options.connection,
  };
  const { faults } = options;
  // Payloads are read before any source is asked, so a bad payload is answered as such (400).
  const work = perTarget.map(({ target, names: matched, sets }) => {
    const field = `body/targets/${target.index}/payload`;
    if (matched.length === 0) {
      const format = payloadFormat(target.payload, field) ?? target.format;
      return () => annotationTarget(ctx, target, format, sets, faultsOf(faults, target, sets.length > 0));
    }
    const selection = selectionOf(matched.map((n) => registry.get(n)).filter((m) => m !== undefined));
    const choices = readChoices(target.payload, selection, field, patterns);
    const { series, tables } = selection;
    return () => metricTarget(ctx, target, series, tables, sets, choices, faultsOf(faults, target, true));
  });
  const answers = await Promise.all(work.map((run) => run()));
  const results = answers.flatMap((a) => a.results);
  const errors = answers.flatMap((a) => a.errors);
  for (const error of errors) {
    // A rule's fault was logged as such when it matched (runtime/faults.ts); a fixture's is logged here.
    const fixtureFault = fixtureFaultOf(error);
    if (fixtureFault !== undefined) {
      options.log?.warn?.('injected fault', {
        id: fixtureFault,
        metric: error.metric,
        message: error.message,
      });
    } else if (!isClientGone(error) && !(error instanceof InjectedSourceError)) {
      options.log?.error(error.message, error.cause ?? error);
    }
  }
  if (errors.length > 0 && results.every(failed)) throw errors[0] as SourceError;
  return results;
}

/** The fault of each read of one target: its metric's rule, else the target's (counted once, when read). */
type TargetFaults = (name: string) => ReadFault | undefined;

const NO_FAULTS: TargetFaults = () => undefined;

function faultsOf(faults: ReadFaults | undefined, target: QueryTarget, reads: boolean): TargetFaults {
  if (faults === undefined || !reads) return NO_FAULTS;
  let targetFault: ReadFault | undefined | null = null;
  return (name) => {
    const own = faults.metric(name);
    if (own !== undefined) return own;
    if (targetFault === null) targetFault = faults.target(target.target);
    return targetFault;
  };
}

function failed(result: QueryResult): boolean {
  return (result.kind === 'frame' ? result.source : result).error !== undefined;
}

async function annotationTarget(
  ctx: ReadContext,
  target: QueryTarget,
  format: ResultFormat | undefined,
  sets: readonly AnnotationSet[],
  faultOf: TargetFaults,
): Promise<TargetAnswer> {
  const results: QueryResult[] = [];
  const errors: SourceError[] = [];
  if (sets.length === 0) results.push(inFormat(format, unknownTargetNotice(target)));
  const tables = await Promise.all(
    sets.map((set) => eventsTable(ctx, target, set, errors, faultOf(set.name))),
  );
  for (const table of tables) results.push(inFormat(format, table));
  return { results, errors };
}

async function metricTarget(
  ctx: ReadContext,
  target: QueryTarget,
  allSeries: readonly TimeSeriesMetric[],
  tables: readonly TableMetric[],
  sets: readonly AnnotationSet[],
  choices: TargetChoices,
  faultOf: TargetFaults,
): Promise<TargetAnswer> {
  const format = choices.format ?? target.format;
  // A series whose own labels fail the filters is not read at all.
  const series = allSeries.filter(
    (m) => ctx.filters.matchesLabels(m.labels) && choices.selectors.keepsSeries(m),
  );
  const [read, readTables] = await Promise.all([
    Promise.all(series.map((m) => readSeriesOf(ctx, target, m, choices, faultOf(m.name)))),
    Promise.all(tables.map((t) => readTableOf(ctx, target, t, choices, faultOf(t.name)))),
  ]);
  const results: QueryResult[] = [];
  const errors: SourceError[] = [];
  const good: Array<{ metric: TimeSeriesMetric; series: ReadSeries[] }> = [];
  const failures: QueryResult[] = [];
  read.forEach((outcome, i) => {
    const metric = series[i] as TimeSeriesMetric;
    if (outcome.ok) {
      good.push({ metric, series: outcome.value });
      if (format !== 'table') {
        for (const s of outcome.value)
          results.push(inFormat(format, seriesResult(target, metric, s, choices)));
      }
      return;
    }
    errors.push(outcome.error);
    (format === 'table' ? failures : results).push(
      inFormat(format, failedSeries(target, metric, outcome.error.message)),
    );
  });
  if (format === 'table' && good.length > 0) results.push(seriesAsTable(target, good, choices));
  results.push(...failures);
  readTables.forEach((outcome, i) => {
    const table = tables[i] as TableMetric;
    const name = table.displayName ?? table.name;
    if (!outcome.ok) {
      errors.push(outcome.error);
      results.push(
        inFormat(format, {
          kind: 'table',
          refId: target.refId,
          name,
          columns: [],
          rows: [],
          error: outcome.error.message,
        }),
      );
      return;
    }
    const { columns } = outcome.value;
    const selected = choices.selectors.tableRows({ ...table, columns }, outcome.value.rows);
    if (selected !== undefined) {
      results.push(inFormat(format, { kind: 'table', refId: target.refId, name, columns, rows: selected }));
    }
  });
  const tablesOfSets = await Promise.all(
    sets.map((set) => eventsTable(ctx, target, set, errors, faultOf(set.name))),
  );
  for (const table of tablesOfSets) results.push(inFormat(format, table));
  return { results, errors };
}

/**
 * An annotation set's events in the range, as the table an annotation query answers; ad hoc filters
 * apply. A set whose reader fails answers an empty table with the error.
 */
async function eventsTable(
  ctx: ReadContext,
  target: QueryTarget,
  set: AnnotationSet,
  errors: SourceError[],
  fault: ReadFault | undefined,
): Promise<TableResult> {
  const table = { kind: 'table', refId: target.refId, name: set.name, columns: EVENT_COLUMNS } as const;
  try {
    if (fault !== undefined) {
      const inject = () => injectFault(fault.id, fault.effect, set.name, 'annotation set', ctx.signal);
      await callReader(set.name, ctx.signal, inject, undefined, 'annotation set');
    }
    const rows = (await eventsOfSet(set, ctx.plan.range, { signal: ctx.signal, log: NO_LOG })).map(eventRow);
    return { ...table, rows: ctx.filters.filterRows(EVENT_COLUMNS, rows) };
  } catch (error) {
    if (isDropped(error)) ctx.connection?.destroy();
    const failure = sourceError(set.name, error, set.reader?.describe, 'annotation set');
    errors.push(failure);
    return { ...table, rows: [], error: failure.message };
  }
}

function inFormat(format: ResultFormat | undefined, result: SeriesResult | TableResult): QueryResult {
  return format === 'frames' ? { kind: 'frame', source: result } : result;
}

function seriesResult(
  target: QueryTarget,
  metric: TimeSeriesMetric,
  series: ReadSeries,
  choices: TargetChoices,
): SeriesResult {
  const transform = choices.transformOf(metric);
  return {
    kind: 'timeserie',
    refId: target.refId,
    target: (metric.displayName ?? metric.name) + series.suffix,
    labels: series.labels,
    unit: transform?.unit ?? metric.unit,
    points: transform === undefined ? series.points : transformColumns(series.points, transform),
  };
}

function failedSeries(target: QueryTarget, metric: TimeSeriesMetric, error: string): SeriesResult {
  return {
    kind: 'timeserie',
    refId: target.refId,
    target: metric.displayName ?? metric.name,
    labels: metric.labels,
    unit: metric.unit,
    points: EMPTY,
    error,
  };
}

/** Legacy "Format as: Table" on time series: one table with Time, Metric, every label, Value. */
function seriesAsTable(
  target: QueryTarget,
  read: ReadonlyArray<{ metric: TimeSeriesMetric; series: readonly ReadSeries[] }>,
  choices: TargetChoices,
): TableResult {
  const all = read.flatMap(({ metric, series }) =>
    series.map((s) => seriesResult(target, metric, s, choices)),
  );
  const labelKeys = [...new Set(all.flatMap((s) => Object.keys(s.labels)))];
  const columns: TableColumn[] = [
    { text: 'Time', type: 'time' },
    { text: 'Metric', type: 'string' },
    ...labelKeys.map((text): TableColumn => ({ text, type: 'string' })),
    { text: 'Value', type: 'number' },
  ];
  const rows: Cell[][] = [];
  for (const s of all) {
    const { times, values } = s.points;
    const labelCells = labelKeys.map((k) => s.labels[k] ?? null);
    for (let i = 0; i < times.length; i++) {
      rows.push([times[i] as number, s.target, ...labelCells, gapToNull(values[i] as number)]);
    }
  }
  return { kind: 'table', refId: target.refId, name: target.target, columns, rows };
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
