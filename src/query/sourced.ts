/**
 * Reading one metric of a target through its reader (src/sources): the request a source sees, the answer
 * normalised and finished, or the target's error. Nothing here switches on what kind of source it reads.
 */
import type { SourceError } from '../errors';
import type { TableMetric, TimeSeriesMetric } from '../registry/types';
import type { CompiledFilters } from '../series/filters';
import type { Cell, Columns, TableColumn } from '../series/types';
import { finishSeries, seriesOfAnswer } from '../sources/answer';
import { callReader, sourceError } from '../sources/call';
import { finishTable, tableOfAnswer } from '../sources/table-answer';
import type { Prepared, ReadRequest } from '../sources/types';
import type { QueryPlan, QueryTarget } from './normalize';
import type { TargetChoices } from './payload/choices';

const NOTHING_DONE: Prepared = Object.freeze({});

export interface ReadContext {
  readonly plan: QueryPlan;
  readonly filters: CompiledFilters;
  readonly signal: AbortSignal;
}

/** What a read gave: its series (or table), or the error the target carries instead. */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SourceError };

function request(
  ctx: ReadContext,
  target: QueryTarget,
  metric: string,
  choices: TargetChoices,
  base: TimeSeriesMetric | undefined,
): ReadRequest {
  const { plan } = ctx;
  return {
    metric,
    range: plan.range,
    intervalMs: plan.intervalMs,
    maxDataPoints: plan.maxDataPoints,
    aggregation: choices.aggregation ?? base?.aggregation ?? 'avg',
    filters: plan.filters,
    payload: target.payload,
    refId: target.refId,
    get signal() {
      return ctx.signal;
    },
  };
}

export interface ReadSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: Columns;
  /** The series' own part of its name when the answer held several (`{room="kitchen"}`), else "". */
  readonly suffix: string;
}

function suffixOf(labels: Readonly<Record<string, string>>, own: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).filter((k) => !Object.hasOwn(own, k) || own[k] !== labels[k]);
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ')}}`;
}

/** The series of one time series metric for a target: one for stored and generated data, any number from a reader. */
export async function readSeriesOf(
  ctx: ReadContext,
  target: QueryTarget,
  metric: TimeSeriesMetric,
  choices: TargetChoices,
): Promise<Outcome<ReadSeries[]>> {
  const { reader } = metric;
  const req = request(ctx, target, metric.name, choices, metric);
  try {
    const answer =
      reader.readNow === undefined
        ? await callReader(metric.name, ctx.signal, () => reader.read(req), reader.describe)
        : reader.readNow(req);
    const answered = seriesOfAnswer(metric.name, answer);
    const prepared = reader.prepared ?? NOTHING_DONE;
    const series = finishSeries(answered, req, prepared, ctx.filters, metric.labels);
    // Named by their own labels when the answer held several, whatever the filters left.
    const several = answered.length > 1;
    return {
      ok: true,
      value: series.map((s) => ({ ...s, suffix: several ? suffixOf(s.labels, metric.labels) : '' })),
    };
  } catch (error) {
    return { ok: false, error: sourceError(metric.name, error, reader.describe) };
  }
}

export interface ReadTable {
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

/** The rows of one table metric for a target, inside the range and through the ad hoc filters. */
export async function readTableOf(
  ctx: ReadContext,
  target: QueryTarget,
  table: TableMetric,
  choices: TargetChoices,
): Promise<Outcome<ReadTable>> {
  const { reader } = table;
  const req = request(ctx, target, table.name, choices, undefined);
  try {
    const answer = await callReader(table.name, ctx.signal, () => reader.read(req), reader.describe);
    return {
      ok: true,
      value: finishTable(
        tableOfAnswer(table.name, answer),
        req.range,
        reader.prepared ?? NOTHING_DONE,
        ctx.filters,
      ),
    };
  } catch (error) {
    return { ok: false, error: sourceError(table.name, error, reader.describe) };
  }
}
