import type {
  Aggregation,
  Cell,
  Columns,
  ColumnType,
  GeneratorSpec,
  TableColumn,
  TimeRange,
} from '../series/types';
import type { PayloadFieldDefinition } from './payloads';

/** Where a time series gets its points. */
export type PointSource =
  /** Stored points: columnar, sorted ascending by time. */
  | { readonly kind: 'stored'; readonly columns: Columns }
  /** Computed on demand by a deterministic generator. */
  | { readonly kind: 'generated'; readonly generator: GeneratorSpec };

/** What a caller passes to define a time series metric (fixtures or code). */
export interface TimeSeriesDefinition {
  readonly name: string;
  /** Shown by Grafana as the series name instead of `name`. */
  readonly displayName?: string;
  /** Labels: the ad hoc filter keys of this series, sent to Grafana as tags. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly unit?: string;
  /** How buckets are reduced when the series is downsampled (default `avg`). */
  readonly aggregation?: Aggregation;
  readonly source: PointSource;
  /** Builder-mode payload fields of the JSON data source, besides the built-in ones (registry/payloads.ts). */
  readonly payloads?: readonly PayloadFieldDefinition[];
}

export interface TableDefinition {
  readonly name: string;
  readonly displayName?: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly Cell[])[];
  /** Builder-mode payload fields (no value transforms: those apply to time series). */
  readonly payloads?: readonly PayloadFieldDefinition[];
}

export interface AnnotationEvent {
  readonly time: number;
  readonly timeEnd?: number;
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
}

/** An event that repeats every `every` ms, at `offset` ms after each multiple of `every` since the epoch. */
export interface RecurringAnnotation {
  readonly every: number;
  readonly offset: number;
  /** Region length in ms; 0 or absent for a point event. */
  readonly duration?: number;
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
}

export interface AnnotationSetDefinition {
  readonly name: string;
  /** Tags added to every event of the set. */
  readonly tags?: readonly string[];
  readonly events?: readonly AnnotationEvent[];
  readonly recurring?: readonly RecurringAnnotation[];
}

export interface TimeSeriesMetric {
  readonly kind: 'timeseries';
  readonly name: string;
  readonly displayName: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly unit: string | undefined;
  readonly aggregation: Aggregation;
  readonly source: PointSource;
  /** Declared builder fields; the registry always sets it (optional for metrics built by hand). */
  readonly payloads?: readonly PayloadFieldDefinition[];
}

export interface TableMetric {
  readonly kind: 'table';
  readonly name: string;
  readonly displayName: string | undefined;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly Cell[])[];
  /** Index of the first `time` column, if any: rows are filtered by range on it. */
  readonly timeColumn: number | undefined;
  /** Declared builder fields; the registry always sets it (optional for metrics built by hand). */
  readonly payloads?: readonly PayloadFieldDefinition[];
}

export type Metric = TimeSeriesMetric | TableMetric;

export interface AnnotationSet {
  readonly name: string;
  readonly tags: readonly string[];
  readonly events: readonly AnnotationEvent[];
  readonly recurring: readonly RecurringAnnotation[];
}

export type { Aggregation, Cell, Columns, ColumnType, GeneratorSpec, TableColumn, TimeRange };
export type { PayloadFieldDefinition, PayloadFieldType, PayloadOptionDefinition } from './payloads';
