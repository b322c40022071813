/**
 * `/metrics {metric?, payload?}` (simpod ≥ 0.6.0 builder and code editors): the metric dropdown, each
 * entry with the payload fields the builder renders for it (query/payload/fields.ts).
 *
 * The list holds every metric in registry order, with each metric family (`temperature.*`, see
 * series/family.ts) just before its first member. The client looks the query's target up in this list
 * by value to find its fields, so when `metric` is a target the list does not hold (a regex such as
 * `/^cpu/`, typed in code mode), an entry for it comes first. The payload does not change the fields:
 * none of the built-in ones depends on another, and a field that vanished while set would be shown as
 * "Unknown payload".
 *
 * Annotation sets follow the metrics, labelled `<name> (annotations)` and with no fields: Grafana renders
 * this same editor for annotation queries, and the set's name as target answers its events there (and an
 * events table in a panel). A set whose name is also a metric is not listed again: the client finds
 * entries by value, and that name answers the metric in panels and the set's events in annotations.
 */
import { PatternError } from '../errors';
import type { Registry } from '../registry/registry';
import type { Metric } from '../registry/types';
import type { MatchOptions } from '../series/match';
import { payloadFields } from '../query/payload/fields';
import type { WireMetric } from '../contract/responses';
import { type MetricFamily, metricFamilies } from '../series/family';
import { isEmpty, type Selection, selectionOf, selectMetrics } from '../query/selection';

function entry(value: string, label: string, selection: Selection): WireMetric {
  return { value, label, payloads: payloadFields(selection) };
}

/** The label an annotation set is listed with, in `/metrics` and `/search`. */
export function annotationSetLabel(name: string): string {
  return `${name} (annotations)`;
}

/** The entry for a target that is not in the list, or undefined when it designates nothing (or is no regex). */
function targetEntry(registry: Registry, target: string, opts: MatchOptions): WireMetric | undefined {
  let selection: Selection;
  try {
    selection = selectMetrics(registry, target, opts);
  } catch (error) {
    // The editor must keep working while the user types a regex: no entry, no error.
    if (error instanceof PatternError) return undefined;
    throw error;
  }
  if (isEmpty(selection)) return undefined;
  const count = selection.series.length + selection.tables.length;
  return entry(target, `${target} (${count} ${count === 1 ? 'metric' : 'metrics'})`, selection);
}

/** The dropdown entries (see the module comment). */
export function listMetrics(
  registry: Registry,
  metric: string | undefined,
  opts: MatchOptions = {},
): WireMetric[] {
  const metrics = registry.metrics();
  // Families listed before their first member, outer ones first (metricFamilies' order).
  const firstOf = new Map<string, MetricFamily[]>();
  for (const family of metricFamilies(metrics.map((m) => m.name))) {
    const first = family.members[0] as string;
    firstOf.set(first, [...(firstOf.get(first) ?? []), family]);
  }
  const byName = new Map(metrics.map((m) => [m.name, m]));
  const out: WireMetric[] = [];
  for (const m of metrics) {
    for (const family of firstOf.get(m.name) ?? []) {
      const members = family.members.map((n) => byName.get(n)).filter((x): x is Metric => x !== undefined);
      out.push(entry(family.id, `${family.id} (${members.length} metrics)`, selectionOf(members)));
    }
    out.push(entry(m.name, m.displayName ?? m.name, selectionOf([m])));
  }
  for (const set of registry.annotationSets()) {
    if (!byName.has(set.name))
      out.push({ value: set.name, label: annotationSetLabel(set.name), payloads: [] });
  }
  const target = metric?.trim() ?? '';
  if (target !== '' && !out.some((e) => e.value === target)) {
    const extra = targetEntry(registry, target, opts);
    if (extra !== undefined) out.unshift(extra);
  }
  return out;
}
