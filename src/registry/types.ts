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
import type {
  AnnotationReader,
  ReadRequest,
  SeriesAnswer,
  SeriesReader,
  TableAnswer,
  TableReader,
} from '../sources/types';

/** Where a time series gets its points. */
export type PointSource =
  /** Stored points: columnar, sorted ascending by time. */
  | { readonly kind: 'stored'; readonly columns: Columns }
  /** Computed on demand by a deterministic generator. */
  | { readonly kind: 'generated'; readonly generator: GeneratorSpec }
  /** Read on each query from a reader: a user function, a database (docs/sources.md). */
  | { readonly kind: 'reader'; readonly reader: SeriesReader };

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
  /** Where the points come from; give either this or `read`. */
  readonly source?: PointSource;
  /** Short for `source: {kind: 'reader', reader: {read}}`: an async function answering each query. */
  readonly read?: (request: ReadRequest) => Promise<SeriesAnswer>;
  /** Builder-mode payload fields of the JSON data source, besides the built-in ones (registry/payloads.ts). */
  readonly payloads?: readonly PayloadFieldDefinition[];
}

export interface TableDefinition {
  readonly name: string;
  readonly displayName?: string;
  /** Required for stored rows; with a reader, the columns it answers (they feed /tag-keys), if known. */
  readonly columns?: readonly TableColumn[];
  /** Stored rows; a table with a reader has none. */
  readonly rows?: readonly (readonly Cell[])[];
  /** The rows come from this reader on each query (docs/sources.md). */
  readonly reader?: TableReader;
  /** Short for `reader: {read}`. */
  readonly read?: (request: ReadRequest) => Promise<TableAnswer>;
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
  /** More events, read on each request for the range (docs/sources.md). */
  readonly reader?: AnnotationReader;
}

export interface TimeSeriesMetric {
  readonly kind: 'timeseries';
  readonly name: string;
  readonly displayName: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly unit: string | undefined;
  readonly aggregation: Aggregation;
  readonly source: PointSource;
  /** What the query pipeline reads the points through: the source's reader. */
  readonly reader: SeriesReader;
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
  /** What the query pipeline reads the rows through: the stored rows', or the definition's reader. */
  readonly reader: TableReader;
  /** Declared builder fields; the registry always sets it (optional for metrics built by hand). */
  readonly payloads?: readonly PayloadFieldDefinition[];
}

export type Metric = TimeSeriesMetric | TableMetric;

export interface AnnotationSet {
  readonly name: string;
  readonly tags: readonly string[];
  readonly events: readonly AnnotationEvent[];
  readonly recurring: readonly RecurringAnnotation[];
  readonly reader?: AnnotationReader;
}

export type { Aggregation, Cell, Columns, ColumnType, GeneratorSpec, TableColumn, TimeRange };
export type { PayloadFieldDefinition, PayloadFieldType, PayloadOptionDefinition } from './payloads';

/** What a provider lists: definitions as `addTimeSeries` and `addTable` take them. */
export interface ProvidedMetrics {
  readonly series?: readonly TimeSeriesDefinition[];
  readonly tables?: readonly TableDefinition[];
}

/**
 * A source of metric definitions read asynchronously (e.g. the metric names in a database). Its list is
 * kept for `ttlMs` (default 60 000; 0 asks on every request), a failure too, so a provider that is down
 * is asked (and logged) once per period. docs/sources.md.
 */
export interface MetricProvider {
  readonly name: string;
  readonly ttlMs?: number;
  list(signal: AbortSignal): Promise<ProvidedMetrics>;
}
