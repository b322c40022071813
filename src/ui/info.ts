/**
 * `GET ui/api/info`: what the page cannot learn from the contract. The registry's metrics with their
 * kind, unit, labels and source; the annotation sets; the declared databases; what was loaded from where;
 * whether requests are recorded; the auth schemes. `GET ui/api/checks`: whether each database answers
 * (the registry's health checks, as `GET /` runs them). Read-only, behind the contract's auth.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { databasesOf } from '../fixtures/databases';
import type { ResolvedOptions } from '../http/options';
import { HEALTH_TIMEOUT_MS } from '../http/endpoints/root';
import type { HealthCheck, Registry } from '../registry/registry';
import type { Metric } from '../registry/types';
import type { FixtureReport, UiCheck, UiChecks, UiInfo, UiMetric } from './types';

let version: string | undefined;

/** The package's version, read once (package.json sits two folders up from src/ui and dist/ui alike). */
function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  return version;
}

function source(metric: Metric): string {
  if (metric.kind === 'table') {
    if (metric.columns.length === 0) return `read by ${metric.reader.describe ?? 'a reader'}`;
    return `${metric.rows.length} stored row${metric.rows.length === 1 ? '' : 's'}`;
  }
  const from = metric.source;
  if (from.kind === 'generated') return `generated (${from.generator.type})`;
  if (from.kind === 'reader') return `read by ${from.reader.describe ?? 'a reader'}`;
  return `stored (${from.columns.times.length} points)`;
}

export function describeMetric(metric: Metric): UiMetric {
  const common = { name: metric.name, displayName: metric.displayName ?? null, source: source(metric) };
  if (metric.kind === 'table') {
    return {
      ...common,
      kind: 'table',
      unit: null,
      labels: {},
      columns: metric.columns.map((c) => ({ text: c.text, type: c.type })),
    };
  }
  return { ...common, kind: 'timeseries', unit: metric.unit ?? null, labels: metric.labels };
}

/** Runs one check within HEALTH_TIMEOUT_MS; never rejects. */
async function runCheck(check: HealthCheck): Promise<UiCheck> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    await check.check(AbortSignal.timeout(HEALTH_TIMEOUT_MS));
    return { name: check.name, ok: true, ms: ms() };
  } catch (err) {
    return { name: check.name, ok: false, ms: ms(), message: (err as Error).message };
  }
}

/** Every health check of the registry, at once, each within HEALTH_TIMEOUT_MS. */
export async function uiChecks(registry: Registry): Promise<UiChecks> {
  return { checks: await Promise.all(registry.healthChecks().map(runCheck)) };
}

export function uiInfo(
  registry: Registry,
  options: ResolvedOptions,
  fixtures: FixtureReport | undefined,
): UiInfo {
  const metrics = registry.names().flatMap((name) => {
    const metric = registry.get(name);
    return metric === undefined ? [] : [describeMetric(metric)];
  });
  const { auth } = options;
  return {
    name: 'simplejson-server',
    version: packageVersion(),
    fixtures: fixtures ?? null,
    metrics,
    annotationSets: registry.annotationSets().map((set) => ({
      name: set.name,
      tags: set.tags,
      events: set.events.length,
      recurring: set.recurring.length,
    })),
    databases: databasesOf(registry).map((db) => ({ name: db.name, dialect: db.dialect })),
    journal: options.journal !== undefined,
    auth: [
      ...(auth.basic === undefined ? [] : (['basic'] as const)),
      ...((auth.bearerTokens?.length ?? 0) > 0 ? (['bearer'] as const) : []),
    ],
    limits: {
      defaultMaxDataPoints: options.defaultMaxDataPoints,
      maxDataPointsCeiling: options.maxDataPointsCeiling,
    },
  };
}
