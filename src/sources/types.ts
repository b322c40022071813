/**
 * The one reader interface every source of data sits behind: stored points, generators, user functions,
 * SQL databases, pushed points. A source is asked with what Grafana asked (ReadRequest) and answers
 * asynchronously; the server then clips to the range, buckets to maxDataPoints and applies the ad hoc
 * filters, except for what the source says it already did (`Prepared`).
 */
import type { AnnotationEvent } from '../registry/types';
import type { AdhocFilter, Aggregation, Cell, ColumnType, TimeRange } from '../series/types';

/** What Grafana asked for one target, as a source sees it. */
export interface ReadRequest {
  /** The metric being read (its registry name). */
  readonly metric: string;
  /** Epoch ms, `from` inclusive, `to` inclusive. */
  readonly range: TimeRange;
  /** Grafana's interval (or the nice interval for the range): the bucket width a source may group by. */
  readonly intervalMs: number;
  /** Most points per series the answer may carry. */
  readonly maxDataPoints: number;
  /** How buckets are reduced: the metric's aggregation, or the one the target's payload picked. */
  readonly aggregation: Aggregation;
  /** The request's ad hoc filters (already merged from `adhocFilters` and `filters`). */
  readonly filters: readonly AdhocFilter[];
  /** The target's payload (simpod's per-query object), `{}` when none. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly refId: string;
  /** Fires when the client goes away or the request times out: stop work and reject (any error). */
  readonly signal: AbortSignal;
}

/** What a source already did to its answer; the server does the rest. All default to false. */
export interface Prepared {
  /** Nothing outside the range is in the answer. */
  readonly clipped?: boolean;
  /** At most maxDataPoints points per series, grouped on `intervalMs` buckets. */
  readonly bucketed?: boolean;
  /** The ad hoc filters were applied (to labels and to table rows). */
  readonly filtered?: boolean;
}

/** One series of an answer. Times are epoch ms; a value of null or NaN is a gap. */
export interface SeriesData {
  /** Merged over the metric's own labels: the series' tags in Grafana and its ad hoc filter keys. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number | null>;
}

/**
 * What a time-series source may answer:
 * - `[[value, time], …]`: Grafana's datapoints, one series;
 * - `{times, values}`: columns, one series;
 * - `{series: [{labels, times, values}, …]}`: several series;
 * - `{rows: [{time, value, room: "kitchen"}, …]}`: long format, one series per label set: `time` (epoch
 *   ms, or a Date), every number column a value (named by `valueColumns`, default the number columns
 *   other than time), every string column a label.
 */
export type SeriesAnswer =
  | ReadonlyArray<readonly [number | null, number]>
  | SeriesData
  | { readonly series: readonly SeriesData[] }
  | {
      readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
      readonly valueColumns?: readonly string[];
    };

/** A table answer: declared columns and rows of cells, or rows as objects (columns in first-seen order). */
export type TableAnswer =
  | {
      readonly columns: ReadonlyArray<{ readonly text: string; readonly type: ColumnType }>;
      readonly rows: ReadonlyArray<readonly Cell[]>;
    }
  | { readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>> };

/** Label keys and values known to a source without a query (tag keys, tag values, variables). */
export interface LabelCatalog {
  /** Label keys the source's series can carry. */
  keys(signal: AbortSignal): Promise<readonly string[]>;
  /** Values seen for `key`, at most `limit`. */
  values(key: string, limit: number, signal: AbortSignal): Promise<readonly string[]>;
}

export interface SeriesReader {
  read(request: ReadRequest): Promise<SeriesAnswer>;
  /**
   * For sources that never wait (the built-in stored and generated ones): the same answer, at once. The
   * pipeline calls it instead of `read`, without a promise, an abort listener or a signal per request.
   */
  readonly readNow?: (request: ReadRequest) => SeriesAnswer;
  readonly prepared?: Prepared;
  /** Label keys/values the answers can carry, for /tag-keys, /tag-values and variables. */
  readonly labels?: LabelCatalog;
  /** Named in errors and the health view, e.g. `database "plant"`. */
  readonly describe?: string;
}

export interface TableReader {
  read(request: ReadRequest): Promise<TableAnswer>;
  readonly prepared?: Prepared;
  readonly describe?: string;
}

export interface AnnotationReader {
  /** Events overlapping the range. */
  read(request: ReadRequest): Promise<readonly AnnotationEvent[]>;
  readonly describe?: string;
}
