import type { Registry } from '../registry/registry';
import { compileFilters } from '../series/filters';
import type { PatternOptions } from '../series/saferegex';
import type { AdhocFilter, Cell } from '../series/types';

export interface TagKey {
  readonly type: 'string' | 'number';
  readonly text: string;
}

/**
 * The ad hoc filter keys: every series label and every non-time table column, in registry order.
 * A key is `number` only when every table column of that name is numeric and no series uses it as a label.
 * `catalogKeys` are the keys the sources' label catalogs know (sources/catalogs.ts), labels too.
 */
export function tagKeys(registry: Registry, catalogKeys: readonly string[] = []): TagKey[] {
  const types = new Map<string, 'string' | 'number'>();
  const note = (key: string, type: 'string' | 'number') => {
    const seen = types.get(key);
    types.set(key, seen === undefined || seen === type ? type : 'string');
  };
  for (const metric of registry.metrics()) {
    if (metric.kind === 'timeseries') {
      for (const key of Object.keys(metric.labels)) note(key, 'string');
    } else {
      for (const column of metric.columns) {
        if (column.type !== 'time') note(column.text, column.type === 'number' ? 'number' : 'string');
      }
    }
  }
  for (const key of catalogKeys) note(key, 'string');
  return [...types].map(([text, type]) => ({ type, text }));
}

function text(cell: Cell): string | undefined {
  return cell === null ? undefined : String(cell);
}

/**
 * The values of one key across series labels and table columns, narrowed by the other active filters
 * (Grafana >= 10.2 sends them), plus the values the sources' label catalogs know (`catalogValues`, not
 * narrowed: a catalog knows no combinations). Numbers sort numerically, strings in code-point order.
 */
export function tagValues(
  registry: Registry,
  key: string,
  filters: readonly AdhocFilter[] = [],
  options: PatternOptions = {},
  catalogValues: readonly string[] = [],
): Array<{ text: string }> {
  // A filter on the key being listed would hide the very values the user is choosing among.
  const others = compileFilters(
    filters.filter((f) => f.key !== key),
    options,
  );
  const values = new Map<string, Cell>();
  for (const metric of registry.metrics()) {
    if (metric.kind === 'timeseries') {
      const v = Object.hasOwn(metric.labels, key) ? metric.labels[key] : undefined;
      if (v !== undefined && others.matchesLabels(metric.labels)) values.set(v, v);
      continue;
    }
    const index = metric.columns.findIndex((c) => c.text === key);
    if (index === -1) continue;
    for (const row of others.filterRows(metric.columns, metric.rows)) {
      const cell = row[index] ?? null;
      const t = text(cell);
      if (t !== undefined) values.set(t, cell);
    }
  }
  for (const v of catalogValues) values.set(v, v);
  const cells = [...values.values()];
  const numeric = cells.every((c) => typeof c === 'number');
  const sorted = numeric
    ? (cells as number[]).sort((a, b) => a - b).map(String)
    : [...values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((t) => ({ text: t }));
}
