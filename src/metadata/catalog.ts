/**
 * What the sources' label catalogs (sources/catalogs.ts) add to a metadata answer: the keys for /tag-keys
 * and `tag_keys()`, the values of one key for /tag-values and `label_values(…)`. Asked only when some
 * series of the registry has a catalog, so other registries never make a signal.
 */
import { PatternError } from '../errors';
import type { Registry } from '../registry/registry';
import type { MatchOptions } from '../series/match';
import { catalogKeys, catalogValues, hasCatalogs } from '../sources/catalogs';
import { selectMetrics } from '../query/selection';
import type { VariableQuery } from './variable/parse';

export interface CatalogScope {
  /** Made on first use (http/context.ts RequestScope). */
  readonly signal: AbortSignal;
  readonly log: { error(message: string, error?: unknown): void };
}

/** The keys every catalog of the registry knows. */
export async function keysOfCatalogs(registry: Registry, scope: CatalogScope): Promise<string[]> {
  const metrics = registry.metrics();
  return hasCatalogs(metrics) ? catalogKeys(metrics, scope) : [];
}

/** The values of `key` every catalog of the registry knows. */
export async function valuesOfCatalogs(
  registry: Registry,
  key: string,
  scope: CatalogScope,
): Promise<string[]> {
  const metrics = registry.metrics();
  return hasCatalogs(metrics) ? catalogValues(metrics, key, scope) : [];
}

/** What the catalogs add to a variable query: keys for tag_keys(), values for label_values(). */
export async function catalogOfQuery(
  registry: Registry,
  query: VariableQuery,
  scope: CatalogScope,
  opts: MatchOptions,
): Promise<{ keys?: string[]; values?: string[] } | undefined> {
  if (!hasCatalogs(registry.metrics())) return undefined;
  if (query.kind === 'tag_keys') return { keys: await keysOfCatalogs(registry, scope) };
  if (query.kind !== 'label_values') return undefined;
  if (query.metric === undefined) return { values: await valuesOfCatalogs(registry, query.key, scope) };
  let series;
  try {
    series = selectMetrics(registry, query.metric, opts).series;
  } catch (error) {
    if (error instanceof PatternError) return undefined; // evaluating the query reports it
    throw error;
  }
  return { values: await catalogValues(series, query.key, scope) };
}
