/**
 * The builder fields `/metrics` offers for a selection, in this order:
 * 1. the fields its metrics declare;
 * 2. one `multi-select` per label key (series) or string/boolean column (tables) that tells the selected
 *    things apart, i.e. has at least two distinct values among them — a selector on a single series has
 *    nothing to choose. Its options are not sent: the client asks /metric-payload-options, which answers
 *    the values left given the other choices, so the selectors narrow each other like cascading filters;
 * 3. `aggregation` (selections with time series) and `format`.
 * A label key that collides with a built-in or declared name is not offered (it still works as an ad
 * hoc filter).
 */
import { RESERVED_PAYLOAD_NAMES } from '../../registry/payloads';
import type { Selection } from '../selection';
import { aggregationField, formatField } from './builtins';
import { declaredFields, toWireField } from './declared';
import { distinctValues } from './selectors';
import type { WirePayloadField } from '../../contract/responses';

/** Label keys and string/boolean column names of a selection, in first-seen order. */
function candidateKeys(selection: Selection): string[] {
  const keys = new Set<string>();
  for (const s of selection.series) for (const key of Object.keys(s.labels)) keys.add(key);
  for (const t of selection.tables) {
    for (const c of t.columns) if (c.type === 'string' || c.type === 'boolean') keys.add(c.text);
  }
  return [...keys];
}

/** The keys offered as selectors (item 2 of the module comment). */
export function selectorKeys(selection: Selection): string[] {
  const declared = declaredFields(selection);
  return candidateKeys(selection).filter(
    (key) =>
      !RESERVED_PAYLOAD_NAMES.includes(key) &&
      !declared.has(key) &&
      distinctValues(selection, key).length >= 2,
  );
}

/** Every builder field of a selection (see the module comment). */
export function payloadFields(selection: Selection): WirePayloadField[] {
  const fields: WirePayloadField[] = [...declaredFields(selection).values()].map(toWireField);
  for (const key of selectorKeys(selection)) {
    fields.push({ name: key, label: key, type: 'multi-select', placeholder: 'any', width: 30 });
  }
  const aggregation = aggregationField(selection);
  if (aggregation !== undefined) fields.push(aggregation);
  fields.push(formatField(selection));
  return fields;
}

/** Every payload name a selection understands: declared fields, label keys, non-time columns, built-ins. */
export function fieldNames(selection: Selection): string[] {
  const names = new Set<string>(declaredFields(selection).keys());
  for (const s of selection.series) for (const key of Object.keys(s.labels)) names.add(key);
  for (const t of selection.tables) for (const c of t.columns) if (c.type !== 'time') names.add(c.text);
  if (selection.series.length > 0) names.add('aggregation');
  names.add('format');
  return [...names];
}
