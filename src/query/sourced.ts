/**
 * Reading one metric of a target through its reader (src/sources): the request a source sees, the answer
 * normalised and finished, or the target's error. Nothing here switches on what kind of source it reads.
 */
import type { SourceError } from '../errors';
import type { TableMetric, TimeSeriesMetric } from '../registry/types';
import { injectFault, isDropped, type ReadFault } from '../runtime/faults';
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
  /** What a read whose fault drops the connection destroys (the request's socket), if any. */
  readonly connection?: { destroy(): void } | undefined;
}

interface AnyReader<T> {
  read(req: ReadRequest): Promise<T>;
  readonly readNow?: (req: ReadRequest) => T;
  readonly describe?: string;
}

/**
 * The read's answer through callReader; behind the injected fault first when one matched
 * (runtime/faults.ts), which makes even a reader that never waits (readNow) wait for it.
 */
function callWith<T>(
  ctx: ReadContext,
  name: string,
  reader: AnyReader<T>,
  req: ReadRequest,
  fault: ReadFault | undefined,
): Promise<T> {
  if (fault === undefined) return callReader(name, ctx.signal, () => reader.read(req), reader.describe);
  const read = async (): Promise<T> => {
    await injectFault(fault.id, fault.effect, name, 'metric', ctx.signal);
    return reader.readNow === undefined ? reader.read(req) : reader.readNow(req);
  };
  return callReader(name, ctx.signal, read, reader.describe);
}

/** The target's error for a read that failed; a dropped connection is destroyed now. */
function failure(ctx: ReadContext, name: string, error: unknown, describe: string | undefined): SourceError {
  if (isDropped(error)) ctx.connection?.destroy();
  return sourceError(name, error, describe);
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
  fault?: ReadFault,
): Promise<Outcome<ReadSeries[]>> {
  const { reader } = metric;
  const req = request(ctx, target, metric.name, choices, metric);
  try {
    const answer =
      reader.readNow === undefined || fault !== undefined
        ? await callWith(ctx, metric.name, reader, req, fault)
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
    return { ok: false, error: failure(ctx, metric.name, error, reader.describe) };
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
  fault?: ReadFault,
): Promise<Outcome<ReadTable>> {
  const { reader } = table;
  const req = request(ctx, target, table.name, choices, undefined);
  try {
    const answer = await callWith(ctx, table.name, reader, req, fault);
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
    return { ok: false, error: failure(ctx, table.name, error, reader.describe) };
  }
}
