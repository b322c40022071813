/**
 * What push ingestion works with (POST /write, the admin API, the library): a batch of points grouped by
 * series, parsed and checked whole before anything is stored. Times are epoch ms; values are numbers.
 */

/** One series of a batch: a metric name, its labels, and its points in the order they arrived. */
export interface IngestSeries {
  /** The registry name the points go to, e.g. `cpu.usage_idle` (measurement `.` field). */
  readonly metric: string;
  /** Tag set of the series, keys sorted; `{}` for none. */
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch ms, not necessarily ascending. */
  readonly times: number[];
  /** Same length as `times`; finite numbers. */
  readonly values: number[];
}

/** A parsed batch: each series once (same metric + labels merged), and the point count over them all. */
export interface IngestBatch {
  readonly series: IngestSeries[];
  readonly points: number;
}

/** The key of one series inside a metric: its labels, sorted by key, as `k=v` joined by `\u0000`. */
export function seriesKey(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  let key = '';
  for (const k of keys) key += (key === '' ? '' : '\u0000') + k + '=' + (labels[k] as string);
  return key;
}

/**
 * A change to the registry made at run time (admin API, library), in the order made. Kept as data so it
 * can be written to the data directory and replayed by a restart or another worker. A document's `now`
 * (epoch ms) is the time its relative times (`now-5m`) were resolved against, kept so a replay agrees.
 */
export type RegistryOp =
  /** Replace everything loaded (fixtures and earlier changes) by this fixture document. */
  | { readonly op: 'replace'; readonly document: unknown; readonly now?: number }
  /** Add this fixture document's definitions, replacing those of the same name. */
  | { readonly op: 'merge'; readonly document: unknown; readonly now?: number }
  /** Remove one metric (series or table) or annotation set by name. */
  | { readonly op: 'remove'; readonly kind: 'metric' | 'annotations'; readonly name: string }
  /** Back to what was loaded at start: no runtime changes, no pushed points. */
  | { readonly op: 'reset' };
