/**
 * `/metric-payload-options {metric, payload, name}`: the choices of one builder field, computed from the
 * registry. The client sends `metric` as the query's target *before* variable interpolation
 * (docs/client-contract.md §3.4), so a target that is empty or refers to a dashboard variable stands for every metric.
 */
import { PayloadError, UnknownMetricError } from '../errors';
import type { Registry } from '../registry/registry';
import type { MatchOptions } from '../series/match';
import { isEmpty, type Selection, selectionOf, selectMetrics } from '../query/selection';
import { sortValues } from './sort';
import { aggregationOptions, formatOptions } from '../query/payload/builtins';
import { declaredFields, optionsOf } from '../query/payload/declared';
import { fieldNames } from '../query/payload/fields';
import { compileSelectors, isSelectorKey } from '../query/payload/selectors';
import type { WireOption } from '../contract/responses';

/** `$var`, `${var}`, `${var:format}` and `[[var]]`: Grafana's variable syntaxes. */
const VARIABLE = /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/;

/**
 * The selection a builder's metric designates: every metric for `""` or a variable reference, else what
 * the target resolves to.
 *
 * @throws UnknownMetricError (field `body/metric`) for a metric that designates nothing.
 */
export function builderSelection(registry: Registry, metric: string, opts: MatchOptions = {}): Selection {
  const target = metric.trim();
  if (target === '' || VARIABLE.test(target)) return selectionOf(registry.metrics());
  const selection = selectMetrics(registry, target, { ...opts, field: 'metric' });
  if (isEmpty(selection)) throw new UnknownMetricError(target, undefined, 'body/metric');
  return selection;
}

/** The values of selector `key` left once the payload's other selectors are applied. */
function selectorOptions(
  selection: Selection,
  payload: Readonly<Record<string, unknown>>,
  key: string,
  opts: MatchOptions,
): WireOption[] {
  const others = compileSelectors(payload, selection, 'body/payload', opts, key);
  const values = new Set<string>();
  for (const s of selection.series) {
    if (others.keepsSeries(s) && Object.hasOwn(s.labels, key)) values.add(s.labels[key] as string);
  }
  for (const t of selection.tables) {
    const index = t.columns.findIndex((c) => c.text === key && c.type !== 'time');
    if (index === -1) continue;
    for (const row of others.tableRows(t, t.rows) ?? []) {
      const cell = row[index];
      if (cell !== null && cell !== undefined) values.add(String(cell));
    }
  }
  return sortValues(values).map((value) => ({ label: value, value }));
}

/**
 * The options of field `name` for a selection: the aggregations, the formats, a declared field's options
 * (none for input and textarea), or a selector's remaining values.
 *
 * @throws PayloadError (field `body/name`) when `name` is no field of the selection.
 */
export function payloadOptions(
  selection: Selection,
  payload: Readonly<Record<string, unknown>>,
  name: string,
  opts: MatchOptions = {},
): WireOption[] {
  if (name === 'aggregation') return aggregationOptions();
  if (name === 'format') return formatOptions(selection);
  const declared = declaredFields(selection).get(name);
  if (declared !== undefined) return optionsOf(declared);
  if (isSelectorKey(selection, name)) return selectorOptions(selection, payload, name, opts);
  const known = fieldNames(selection).map((n) => JSON.stringify(n));
  throw new PayloadError(
    `body/name ${JSON.stringify(name)} is not a payload field of this metric; its fields are ${known.join(', ')}`,
    'body/name',
  );
}
