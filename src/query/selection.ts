/**
 * What a target (or a `/metrics` metric) designates: the metrics it names, split by kind.
 *
 * Besides the forms series/match.ts resolves (a name, a regex, `/regex/`, Grafana's multi-value `(a|b)`),
 * a metric target may name a **family** (`temperature.*`, series/family.ts), on its own or as one value
 * of a multi-value variable (`(temperature\.\*|cpu\.web-01)`).
 */
import type { Registry } from '../registry/registry';
import type { AnnotationSet, Metric, TableMetric, TimeSeriesMetric } from '../registry/types';
import { alternativesOf, type MatchOptions, matchTarget, unescapeRegex } from '../series/match';

/** The metrics a target designates, in registry order. */
export interface Selection {
  readonly series: readonly TimeSeriesMetric[];
  readonly tables: readonly TableMetric[];
}

/**
 * The metric names a target designates, in `names` order, each once: matchTarget with family reading,
 * so a family id, alone or as an alternative of `(a|b)`, stands for its members.
 */
export function resolveNames(names: readonly string[], target: string, opts: MatchOptions = {}): string[] {
  return matchTarget(target, names, { ...opts, families: true });
}

/**
 * The annotation sets a target names, in registry order: the target, or an alternative of its `(a|b)`
 * form, equal to a set's name or to Grafana's escaped form of it. Names only: a regex or a family never
 * picks a set, so a panel's `.*` keeps answering metrics alone. A name that is both a metric and an
 * annotation set is the metric's, unless `withMetricNames` (an annotation query asks for events).
 */
export function namedAnnotationSets(
  registry: Registry,
  target: string,
  withMetricNames = false,
): AnnotationSet[] {
  const sets = registry.annotationSets();
  if (sets.length === 0) return [];
  const named = new Set([target, ...alternativesOf(target)].flatMap((t) => [t, unescapeRegex(t)]));
  return sets.filter(
    (set) => named.has(set.name) && (withMetricNames || registry.get(set.name) === undefined),
  );
}

/** Splits metrics by kind, keeping their order. */
export function selectionOf(metrics: readonly Metric[]): Selection {
  return {
    series: metrics.filter((m): m is TimeSeriesMetric => m.kind === 'timeseries'),
    tables: metrics.filter((m): m is TableMetric => m.kind === 'table'),
  };
}

/** The metrics `target` designates in the registry (empty when none: the caller decides if that is an error). */
export function selectMetrics(registry: Registry, target: string, opts: MatchOptions = {}): Selection {
  const metrics = resolveNames(registry.names(), target, opts)
    .map((name) => registry.get(name))
    .filter((m): m is Metric => m !== undefined);
  return selectionOf(metrics);
}

/** Whether a selection holds nothing. */
export function isEmpty(selection: Selection): boolean {
  return selection.series.length === 0 && selection.tables.length === 0;
}
