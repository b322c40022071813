/**
 * The label catalogs of the series readers (SeriesReader.labels): the keys and values a source's series
 * can carry without a query, for /tag-keys, /tag-values and `label_values(…)`. A catalog that fails is
 * logged once per request and left out: the answer holds what the others and the registry know.
 */
import type { Metric } from '../registry/types';
import { callReader } from './call';
import type { LabelCatalog } from './types';

/** Values asked of one catalog for one key. */
export const CATALOG_VALUE_LIMIT = 1000;

export interface CatalogOptions {
  readonly signal: AbortSignal;
  readonly log: { error(message: string, error?: unknown): void };
}

/** The distinct catalogs of the metrics, each with the first metric that has it (named in errors). */
function catalogsOf(metrics: readonly Metric[]): Array<[LabelCatalog, string]> {
  const found = new Map<LabelCatalog, string>();
  for (const m of metrics) {
    const labels = m.kind === 'timeseries' ? m.reader.labels : undefined;
    if (labels !== undefined && !found.has(labels)) found.set(labels, m.name);
  }
  return [...found];
}

/** Whether any of the metrics has a catalog (then the endpoint needs a signal). */
export function hasCatalogs(metrics: readonly Metric[]): boolean {
  return metrics.some((m) => m.kind === 'timeseries' && m.reader.labels !== undefined);
}

async function gather(
  metrics: readonly Metric[],
  options: CatalogOptions,
  ask: (catalog: LabelCatalog) => Promise<readonly string[]>,
): Promise<string[]> {
  const lists = await Promise.all(
    catalogsOf(metrics).map(async ([catalog, metric]) => {
      try {
        const list = await callReader(metric, options.signal, () => ask(catalog), 'its label catalog');
        return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
      } catch (error) {
        if (!options.signal.aborted)
          options.log.error((error as Error).message, (error as Error).cause ?? error);
        return [];
      }
    }),
  );
  return [...new Set(lists.flat())];
}

/** The label keys the metrics' catalogs know. */
export function catalogKeys(metrics: readonly Metric[], options: CatalogOptions): Promise<string[]> {
  return gather(metrics, options, (c) => c.keys(options.signal));
}

/** The values of `key` the metrics' catalogs know. */
export function catalogValues(
  metrics: readonly Metric[],
  key: string,
  options: CatalogOptions,
): Promise<string[]> {
  return gather(metrics, options, (c) => c.values(key, CATALOG_VALUE_LIMIT, options.signal));
}
