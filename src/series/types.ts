/** Plain data types shared by the pure series functions. Nothing here knows about HTTP or the registry. */

import type { TimeRange } from '../time/range';

export type { TimeRange };

/**
 * A series in columnar form: two typed arrays of the same length, `times` ascending (epoch ms).
 * A `NaN` value is a gap (serialised as `null`). Functions never mutate their input columns;
 * slices may be `subarray` views of the stored arrays.
 */
export interface Columns {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

export const AGGREGATIONS = ['avg', 'min', 'max', 'sum', 'last', 'count'] as const;
/** How the points of one bucket are reduced to one value when a series is downsampled. */
export type Aggregation = (typeof AGGREGATIONS)[number];

export function isAggregation(value: unknown): value is Aggregation {
  return typeof value === 'string' && (AGGREGATIONS as readonly string[]).includes(value);
}

/** Grafana ad hoc filter operators (`=|` and `!=|` are Grafana 11's multi-value operators). */
export const FILTER_OPERATORS = ['=', '!=', '<', '>', '=~', '!~', '=|', '!=|'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One ad hoc filter as Grafana sends it (`adhocFilters` or `filters`); extra fields are ignored. */
export interface AdhocFilter {
  readonly key: string;
  readonly operator: FilterOperator;
  readonly value: string;
  /** Multi-value operators (`=|`, `!=|`) carry their values here. */
  readonly values?: readonly string[];
}

/** A cell of a table row. */
export type Cell = string | number | boolean | null;

export type ColumnType = 'time' | 'number' | 'string' | 'boolean';

export interface TableColumn {
  readonly text: string;
  readonly type: ColumnType;
}

/**
 * A deterministic generator: a pure function of time (and seed), so it covers any range and answers the
 * same for the same range on every run. Durations are epoch milliseconds; `step` is the spacing of the
 * raw points (timestamps are the multiples of `step` since the epoch, so they do not move with `from`).
 */
export type GeneratorSpec =
  /** offset + amplitude · sin(2π (t + phase) / period) */
  | {
      readonly type: 'sine';
      readonly step: number;
      readonly period: number;
      readonly amplitude: number;
      readonly offset: number;
      readonly phase: number;
    }
  /** A seeded random walk, evaluable at any instant without replaying history; stays within [min, max]. */
  | {
      readonly type: 'randomWalk';
      readonly step: number;
      readonly seed: number;
      readonly start: number;
      readonly volatility: number;
      readonly min: number;
      readonly max: number;
    }
  /** A monotonically increasing counter: `rate` per second since the epoch, wrapped at `resetEvery` if given. */
  | {
      readonly type: 'counter';
      readonly step: number;
      readonly rate: number;
      readonly start: number;
      readonly resetEvery?: number;
    }
  /** Cycles through `values`, holding each for `every` ms (aligned to the epoch). */
  | {
      readonly type: 'step';
      readonly step: number;
      readonly every: number;
      readonly values: readonly number[];
    }
  /** A square wave between `low` and `high` with the given period and duty cycle (0..1). */
  | {
      readonly type: 'square';
      readonly step: number;
      readonly period: number;
      readonly low: number;
      readonly high: number;
      readonly duty: number;
    }
  | { readonly type: 'constant'; readonly step: number; readonly value: number };
