import { FixtureError } from '../errors';
import { isAggregation } from '../series/types';
import { pointReader } from '../sources/point';
import { storedTableReader } from '../sources/table';
import { checkPayloadFields } from './payloads';
import type {
  AnnotationSet,
  AnnotationSetDefinition,
  Metric,
  MetricProvider,
  PointSource,
  TableDefinition,
  TableMetric,
  TimeSeriesDefinition,
  TimeSeriesMetric,
} from './types';

/** Something GET / asks before it answers ok (src/http/endpoints/root.ts). */
export interface HealthCheck {
  /** Named in the answer: `database "plant"`. */
  readonly name: string;
  /** Resolves when it answers; rejects (an AppError names it best) when it does not. */
  check(signal: AbortSignal): Promise<void>;
}

/**
 * The metric registry: a name-keyed map of time series and table metrics plus named annotation sets.
 * Definitions are checked when they are added (duplicates, shapes), values are computed when asked.
 * It is an ordinary instance: the server, each test and each mounted router get their own.
 */
export class Registry {
  readonly #metrics = new Map<string, Metric>();
  readonly #annotations = new Map<string, AnnotationSet>();
  readonly #providers: MetricProvider[] = [];
  readonly #healthChecks: HealthCheck[] = [];
  #revision = 0;

  /** Counts the changes so far: an answer computed from this registry stays valid while it is the same. */
  get revision(): number {
    return this.#revision;
  }

  addTimeSeries(def: TimeSeriesDefinition): TimeSeriesMetric {
    this.#checkName(def.name, 'metric');
    const aggregation = def.aggregation ?? 'avg';
    if (!isAggregation(aggregation)) {
      throw new FixtureError(`unknown aggregation ${JSON.stringify(aggregation)}`, {
        field: `${def.name}/aggregation`,
      });
    }
    const source = sourceOf(def);
    if (source.kind === 'stored') {
      const { times, values } = source.columns;
      if (times.length !== values.length) {
        throw new FixtureError('times and values differ in length', { field: def.name });
      }
      for (let i = 1; i < times.length; i++) {
        if (!((times[i] as number) >= (times[i - 1] as number))) {
          throw new FixtureError(`timestamps are not ascending at point ${i}`, { field: def.name });
        }
      }
    }
    const labels = { ...(def.labels ?? {}) };
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string') {
        throw new FixtureError('label values must be strings', { field: `${def.name}/labels/${key}` });
      }
    }
    const metric: TimeSeriesMetric = {
      kind: 'timeseries',
      name: def.name,
      displayName: def.displayName,
      labels: Object.freeze(labels),
      unit: def.unit,
      aggregation,
      source,
      reader: pointReader(source),
      payloads: checkPayloadFields(def.name, def.payloads, true),
    };
    this.#metrics.set(def.name, metric);
    this.#revision++;
    return metric;
  }

  addTable(def: TableDefinition): TableMetric {
    this.#checkName(def.name, 'metric');
    const reader = def.reader ?? (def.read === undefined ? undefined : { read: def.read });
    if (reader !== undefined && def.reader !== undefined && def.read !== undefined) {
      throw new FixtureError('give a table either reader or read, not both', { field: def.name });
    }
    if (reader !== undefined && (def.rows ?? []).length > 0) {
      throw new FixtureError('a table with a reader has no stored rows', { field: `${def.name}/rows` });
    }
    const columns = def.columns ?? [];
    const rows = def.rows ?? [];
    if (reader === undefined && columns.length === 0)
      throw new FixtureError('a table needs at least one column', { field: def.name });
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column.text)) {
        throw new FixtureError(`duplicate column ${JSON.stringify(column.text)}`, {
          field: `${def.name}/columns`,
        });
      }
      seen.add(column.text);
    }
    rows.forEach((row, i) => {
      if (row.length !== columns.length) {
        throw new FixtureError(`row has ${row.length} cells, expected ${columns.length}`, {
          field: `${def.name}/rows/${i}`,
        });
      }
      row.forEach((cell, j) => {
        const column = columns[j];
        if (cell === null || column === undefined) return;
        const expected = column.type === 'time' ? 'number' : column.type;
        if (typeof cell !== expected) {
          throw new FixtureError(`must be ${expected} (column ${JSON.stringify(column.text)})`, {
            field: `${def.name}/rows/${i}/${j}`,
          });
        }
      });
    });
    const timeColumn = columns.findIndex((c) => c.type === 'time');
    const metric: TableMetric = {
      kind: 'table',
      name: def.name,
      displayName: def.displayName,
      columns,
      rows,
      timeColumn: timeColumn === -1 ? undefined : timeColumn,
      reader: reader ?? storedTableReader(columns, rows),
      payloads: checkPayloadFields(def.name, def.payloads, false),
    };
    this.#metrics.set(def.name, metric);
    this.#revision++;
    return metric;
  }

  addAnnotations(def: AnnotationSetDefinition): AnnotationSet {
    this.#checkName(def.name, 'annotation set');
    if (this.#annotations.has(def.name)) {
      throw new FixtureError(`annotation set ${JSON.stringify(def.name)} is already defined`);
    }
    for (const r of def.recurring ?? []) {
      if (!(r.every > 0)) throw new FixtureError('recurring annotations need every > 0', { field: def.name });
    }
    const set: AnnotationSet = {
      name: def.name,
      tags: def.tags ?? [],
      events: [...(def.events ?? [])].sort((a, b) => a.time - b.time),
      recurring: def.recurring ?? [],
      ...(def.reader === undefined ? {} : { reader: def.reader }),
    };
    this.#annotations.set(def.name, set);
    this.#revision++;
    return set;
  }

  /**
   * Adds a provider of metric definitions read asynchronously (names that live in a database): the
   * metadata endpoints and /query see its metrics through `resolveProviders` (sources/providers.ts).
   */
  addProvider(provider: MetricProvider): void {
    this.#checkName(provider.name, 'provider');
    if (typeof provider.list !== 'function')
      throw new FixtureError('a provider needs a list function', { field: provider.name });
    if (this.#providers.some((p) => p.name === provider.name)) {
      throw new FixtureError(`provider ${JSON.stringify(provider.name)} is already defined`);
    }
    const ttl = provider.ttlMs;
    if (ttl !== undefined && !(ttl >= 0))
      throw new FixtureError('ttlMs must be a number >= 0', { field: provider.name });
    this.#providers.push(provider);
    this.#revision++;
  }

  /**
   * Adds a check that GET / (Grafana's "Save & test") runs: a declared database, say. A check that
   * rejects makes Save & test fail with its error, naming what does not answer; the server serves on.
   */
  addHealthCheck(check: HealthCheck): void {
    if (this.#healthChecks.some((c) => c.name === check.name)) {
      throw new FixtureError(`health check ${JSON.stringify(check.name)} is already defined`);
    }
    this.#healthChecks.push(check);
    this.#revision++;
  }

  healthChecks(): readonly HealthCheck[] {
    return this.#healthChecks;
  }

  /** The providers, in the order they were added. */
  providers(): readonly MetricProvider[] {
    return this.#providers;
  }

  /**
   * A new registry holding this one's metrics and annotation sets (not its providers), then whatever
   * `add` adds to it: the view of a registry with its provided metrics.
   */
  extended(add: (registry: Registry) => void): Registry {
    const view = new Registry();
    for (const [name, metric] of this.#metrics) view.#metrics.set(name, metric);
    for (const [name, set] of this.#annotations) view.#annotations.set(name, set);
    view.#healthChecks.push(...this.#healthChecks);
    add(view);
    return view;
  }

  /** A new registry with everything this one holds: metrics, annotation sets, providers, health checks. */
  copy(): Registry {
    const view = this.extended(() => undefined);
    view.#providers.push(...this.#providers);
    return view;
  }

  /**
   * Takes every definition of `other` into this registry, replacing those of the same name (a metric,
   * an annotation set, a provider or a health check): how a fixture document is merged at run time.
   */
  adopt(other: Registry): void {
    for (const [name, metric] of other.#metrics) this.#metrics.set(name, metric);
    for (const [name, set] of other.#annotations) this.#annotations.set(name, set);
    for (const provider of other.#providers) {
      const i = this.#providers.findIndex((p) => p.name === provider.name);
      if (i === -1) this.#providers.push(provider);
      else this.#providers[i] = provider;
    }
    for (const check of other.#healthChecks) {
      const i = this.#healthChecks.findIndex((c) => c.name === check.name);
      if (i === -1) this.#healthChecks.push(check);
      else this.#healthChecks[i] = check;
    }
    this.#revision++;
  }

  /** Removes a metric (series or table); false when there is none of that name. */
  remove(name: string): boolean {
    const removed = this.#metrics.delete(name);
    if (removed) this.#revision++;
    return removed;
  }

  /** Removes an annotation set; false when there is none of that name. */
  removeAnnotationSet(name: string): boolean {
    const removed = this.#annotations.delete(name);
    if (removed) this.#revision++;
    return removed;
  }

  getAnnotationSet(name: string): AnnotationSet | undefined {
    return this.#annotations.get(name);
  }

  get(name: string): Metric | undefined {
    return this.#metrics.get(name);
  }

  /** All metrics, in the order they were added. */
  metrics(): Metric[] {
    return [...this.#metrics.values()];
  }

  names(): string[] {
    return [...this.#metrics.keys()];
  }

  annotationSets(): AnnotationSet[] {
    return [...this.#annotations.values()];
  }

  get size(): number {
    return this.#metrics.size;
  }

  #checkName(name: unknown, what: string): void {
    if (typeof name !== 'string' || name === '') {
      throw new FixtureError(`${what} name must be a non-empty string`);
    }
    if (what === 'metric' && this.#metrics.has(name)) {
      throw new FixtureError(`metric ${JSON.stringify(name)} is already defined`);
    }
  }
}

/** The definition's source: `source`, or `read` as a reader; exactly one of them. */
function sourceOf(def: TimeSeriesDefinition): PointSource {
  if (def.source !== undefined && def.read !== undefined) {
    throw new FixtureError('give a time series either source or read, not both', { field: def.name });
  }
  if (def.read !== undefined) {
    if (typeof def.read !== 'function')
      throw new FixtureError('read must be a function', { field: def.name });
    return { kind: 'reader', reader: { read: def.read } };
  }
  if (def.source === undefined) {
    throw new FixtureError('a time series needs a source or a read function', { field: def.name });
  }
  if (def.source.kind === 'reader' && typeof def.source.reader?.read !== 'function') {
    throw new FixtureError('source.reader must have a read function', { field: def.name });
  }
  return def.source;
}
