/**
 * Runs a parsed variable query (parse.ts) against the registry. Every answer is a list of
 * `{text, value}` pairs, de-duplicated by value; the endpoints put them in their clients' shapes.
 */
import { UnknownMetricError, VariableQueryError } from '../../errors';
import type { Registry } from '../../registry/registry';
import type { Metric, TableMetric } from '../../registry/types';
import { searchNames, unescapeRegex } from '../../series/match';
import { rowInRange } from '../../series/rows';
import type { PatternOptions } from '../../series/saferegex';
import type { TimeRange } from '../../series/types';
import { distinctValues } from '../../query/payload/selectors';
import { isEmpty, selectionOf, selectMetrics } from '../../query/selection';
import { annotationSetLabel } from '../metrics';
import { sortValues } from '../sort';
import { tagKeys } from '../tags';
import type { VariableQuery } from './parse';

export interface VariableValue {
  readonly text: string;
  readonly value: string;
}

export interface EvaluateOptions extends PatternOptions {
  /** Where the query came from (`body/payload/target`, `body/target`): named in errors. */
  readonly field: string;
  /** The dashboard range (`/variable` sends it): rows of a table with a time column must lie inside it. */
  readonly range?: TimeRange;
  /**
   * A plain search (not a function call) also finds annotation sets, after the metrics, as
   * `{text: "<name> (annotations)", value: name}`: the metric dropdown of `/search`, which the JSON data
   * source ≤ 0.5 also shows in its annotation editor. Variable functions (`metrics()` …) never list them.
   */
  readonly annotationSets?: boolean;
  /** What the sources' label catalogs add (metadata/catalog.ts): keys for tag_keys(), values for label_values(). */
  readonly catalog?: { readonly keys?: readonly string[]; readonly values?: readonly string[] };
}

function plain(values: Iterable<string>): VariableValue[] {
  return sortValues(new Set(values)).map((v) => ({ text: v, value: v }));
}

/** Metric names with their display names as text, in registry order. */
function metricValues(registry: Registry, names: readonly string[]): VariableValue[] {
  return names.map((name) => ({ text: registry.get(name)?.displayName ?? name, value: name }));
}

/** The annotation sets a search finds (their names as searchNames reads them), leaving out metric names. */
function annotationSetValues(registry: Registry, pattern: string, opts: EvaluateOptions): VariableValue[] {
  const sets = registry.annotationSets().map((set) => set.name);
  const found = sets.length === 0 ? [] : searchNames(pattern, sets, opts);
  return found
    .filter((name) => registry.get(name) === undefined)
    .map((name) => ({ text: annotationSetLabel(name), value: name }));
}

/**
 * `label_values(key)`: the label's values across every time series (tables have column_values);
 * `label_values(metric, key)`: across the metrics `metric` designates, table columns included.
 */
function labelValues(registry: Registry, metric: string | undefined, key: string, opts: EvaluateOptions) {
  const extra = opts.catalog?.values ?? [];
  if (metric === undefined) {
    const series = selectionOf(registry.metrics()).series;
    return plain([...distinctValues({ series, tables: [] }, key), ...extra]);
  }
  const selection = selectMetrics(registry, metric, opts);
  if (isEmpty(selection)) {
    throw new UnknownMetricError(
      metric,
      `unknown metric ${JSON.stringify(metric)} in label_values`,
      opts.field,
    );
  }
  return plain([...distinctValues(selection, key), ...extra]);
}

/** The table a name designates: the name itself, or Grafana's regex-escaped form of it. */
function tableNamed(registry: Registry, name: string, field: string): TableMetric {
  const metric: Metric | undefined = registry.get(name) ?? registry.get(unescapeRegex(name));
  if (metric === undefined)
    throw new UnknownMetricError(name, `unknown table ${JSON.stringify(name)}`, field);
  if (metric.kind !== 'table') {
    throw new VariableQueryError(`${field}: ${JSON.stringify(name)} is a time series, not a table`, field);
  }
  return metric;
}

function columnValues(registry: Registry, tableName: string, column: string, opts: EvaluateOptions) {
  const table = tableNamed(registry, tableName, opts.field);
  const index = table.columns.findIndex((c) => c.text === column);
  if (index === -1) {
    const known = table.columns.map((c) => JSON.stringify(c.text)).join(', ');
    throw new VariableQueryError(
      `${opts.field}: table ${JSON.stringify(table.name)} has no column ${JSON.stringify(column)}; its columns are ${known}`,
      opts.field,
    );
  }
  const { range } = opts;
  const values = new Set<string>();
  for (const row of table.rows) {
    if (range !== undefined && !rowInRange(row, table.timeColumn, range)) continue;
    const cell = row[index];
    if (cell !== null && cell !== undefined) values.add(String(cell));
  }
  return plain(values);
}

/**
 * The values a variable query yields.
 *
 * @throws UnknownMetricError for a metric or table that does not exist, VariableQueryError for a name
 *   that is not a table or a column that is not in it, PatternError for a bad `/regex/`.
 */
export function evaluateVariableQuery(
  registry: Registry,
  query: VariableQuery,
  opts: EvaluateOptions,
): VariableValue[] {
  switch (query.kind) {
    case 'search':
    case 'metrics': {
      const pattern = query.kind === 'search' ? query.text : (query.pattern ?? '');
      const names = searchNames(pattern, registry.names(), { ...opts, families: true });
      const values = metricValues(registry, names);
      return query.kind === 'search' && opts.annotationSets === true
        ? [...values, ...annotationSetValues(registry, pattern, opts)]
        : values;
    }
    case 'label_values':
      return labelValues(registry, query.metric, query.key, opts);
    case 'column_values':
      return columnValues(registry, query.table, query.column, opts);
    case 'tag_keys':
      return tagKeys(registry, opts.catalog?.keys).map((k) => ({ text: k.text, value: k.text }));
  }
}
