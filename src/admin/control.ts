/**
 * Runtime control as plain operations: what `/admin/` and `/write` do over HTTP and what the library's
 * `RunningServer.admin` does in code. One object per server.
 */
import { AppError } from '../errors';
import type { IngestBatch, RegistryOp } from '../ingest/types';
import { parseWrite } from '../ingest/parse';
import type { Registry } from '../registry/registry';
import type { AnnotationSet, Metric } from '../registry/types';
import type { RuntimeState, WriteResult } from '../runtime/state';
import type { Fault, FaultSpec, FaultTable } from '../runtime/faults';
import type { JournalEntry, JournalFilter, RequestJournal } from '../runtime/journal';
import type { Clock } from '../time/clock';

/** One metric as the admin API describes it. */
export interface MetricSummary {
  readonly name: string;
  readonly kind: 'timeseries' | 'table';
  /** Where its data comes from: stored, generated, pushed, or the source's own description (`database "home"`). */
  readonly source: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly unit?: string;
  /** Stored points (a stored series), pushed points, or stored rows (a table). */
  readonly points?: number;
  readonly rows?: number;
  /** A pushed metric's series: labels and points each. */
  readonly series?: ReadonlyArray<{ labels: Readonly<Record<string, string>>; points: number }>;
}

export interface RegistrySummary {
  readonly metrics: readonly MetricSummary[];
  readonly annotationSets: ReadonlyArray<{ name: string; events: number; recurring: number; source: string }>;
  /** Runtime changes in effect since start (or the last reset). */
  readonly changes: number;
  readonly pushedPoints: number;
  /** Whether changes and points are written to a data directory. */
  readonly durable: boolean;
}

/** What kind of document `put` takes: one definition in the fixture format. */
export type DefinitionKind = 'series' | 'tables' | 'annotations';

export interface WriteInput {
  readonly body: string;
  readonly contentType?: string | undefined;
  readonly precision?: string | undefined;
  /** The metric of a CSV body without a metric column. */
  readonly metric?: string | undefined;
}

export class AdminControl {
  constructor(
    readonly state: RuntimeState,
    private readonly clock: Clock,
    readonly journal: RequestJournal | undefined,
    readonly faults: FaultTable | undefined,
  ) {}

  /** Replaces everything loaded by a fixture document (checked whole; a bad one changes nothing). */
  async replace(document: unknown): Promise<RegistrySummary> {
    return this.#change({ op: 'replace', document });
  }

  /** Adds a fixture document's definitions, replacing those of the same name. */
  async merge(document: unknown): Promise<RegistrySummary> {
    return this.#change({ op: 'merge', document });
  }

  /** Adds or replaces one series, table or annotation set, given in the fixture format. */
  async put(kind: DefinitionKind, definition: unknown, name?: string): Promise<RegistrySummary> {
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      throw new AppError(
        'INVALID_DOCUMENT',
        `body must be one ${kind === 'tables' ? 'table' : kind === 'series' ? 'series' : 'annotation set'} definition (an object)`,
        { field: 'body' },
      );
    }
    const given = (definition as { name?: unknown }).name;
    if (name !== undefined && given !== undefined && given !== name) {
      throw new AppError(
        'INVALID_DOCUMENT',
        `body/name ${JSON.stringify(given)} differs from the path's ${JSON.stringify(name)}`,
        {
          field: 'body/name',
        },
      );
    }
    const named = name === undefined ? definition : { ...definition, name };
    return this.#change({ op: 'merge', document: { [kind]: [named] } });
  }

  /** Removes a metric (series or table) and its pushed points; 404 when there is none. */
  async removeMetric(name: string): Promise<RegistrySummary> {
    if (this.state.current().get(name) === undefined)
      throw new AppError('NOT_FOUND', `no metric ${JSON.stringify(name)}`, { field: 'name' });
    return this.#change({ op: 'remove', kind: 'metric', name });
  }

  async removeAnnotationSet(name: string): Promise<RegistrySummary> {
    if (this.state.current().getAnnotationSet(name) === undefined)
      throw new AppError('NOT_FOUND', `no annotation set ${JSON.stringify(name)}`, { field: 'name' });
    return this.#change({ op: 'remove', kind: 'annotations', name });
  }

  /** Back to what was loaded at start: no runtime changes, no pushed points. */
  async reset(): Promise<RegistrySummary> {
    return this.#change({ op: 'reset' });
  }

  /** What is served now. */
  loaded(): RegistrySummary {
    return summarize(this.state.current(), this.state);
  }

  /** One metric, or 404. */
  metric(name: string): MetricSummary {
    const metric = this.state.current().get(name);
    if (metric === undefined)
      throw new AppError('NOT_FOUND', `no metric ${JSON.stringify(name)}`, { field: 'name' });
    return metricSummary(metric, this.state);
  }

  /** Parses and stores pushed points (line protocol, JSON or CSV text, or a parsed batch). */
  async write(input: WriteInput | IngestBatch): Promise<WriteResult> {
    const batch =
      'series' in input
        ? input
        : parseWrite(
            input.body,
            input.contentType,
            { precision: input.precision, metric: input.metric },
            this.clock(),
          );
    return this.state.write(batch);
  }

  requests(filter: JournalFilter = {}): JournalEntry[] {
    return this.#journal().list(filter);
  }

  clearRequests(): number {
    return this.#journal().clear();
  }

  addFault(spec: FaultSpec): Fault {
    return this.#faults().add(spec);
  }

  listFaults(): Fault[] {
    return this.#faults().list();
  }

  removeFault(id: string): boolean {
    return this.#faults().remove(id);
  }

  clearFaults(): number {
    return this.#faults().clear();
  }

  async #change(op: RegistryOp): Promise<RegistrySummary> {
    const registry = await this.state.change(op);
    return summarize(registry, this.state);
  }

  #journal(): RequestJournal {
    if (this.journal === undefined) throw new AppError('NOT_FOUND', 'the request journal is off');
    return this.journal;
  }

  #faults(): FaultTable {
    if (this.faults === undefined) throw new AppError('NOT_FOUND', 'fault injection is off');
    return this.faults;
  }
}

function sourceText(metric: Metric, state: RuntimeState): string {
  if (metric.kind === 'timeseries' && state.isPushed(metric)) return 'pushed';
  if (metric.kind === 'timeseries' && metric.source.kind !== 'reader') return metric.source.kind;
  if (metric.kind === 'table' && metric.rows.length > 0) return 'stored';
  return metric.reader.describe ?? 'function';
}

export function metricSummary(metric: Metric, state: RuntimeState): MetricSummary {
  const base = {
    name: metric.name,
    kind: metric.kind,
    source: sourceText(metric, state),
  };
  if (metric.kind === 'table') return { ...base, rows: metric.rows.length };
  const pushed = state.isPushed(metric)
    ? state.store.seriesOf(metric.name).map((b) => ({ labels: b.labels, points: b.length }))
    : undefined;
  return {
    ...base,
    labels: metric.labels,
    ...(metric.unit === undefined ? {} : { unit: metric.unit }),
    ...(metric.source.kind === 'stored' ? { points: metric.source.columns.times.length } : {}),
    ...(pushed === undefined ? {} : { points: pushed.reduce((n, s) => n + s.points, 0), series: pushed }),
  };
}

function setSummary(set: AnnotationSet) {
  return {
    name: set.name,
    events: set.events.length,
    recurring: set.recurring.length,
    source: set.reader?.describe ?? (set.reader === undefined ? 'stored' : 'function'),
  };
}

export function summarize(registry: Registry, state: RuntimeState): RegistrySummary {
  return {
    metrics: registry.metrics().map((m) => metricSummary(m, state)),
    annotationSets: registry.annotationSets().map(setSummary),
    changes: state.changes,
    pushedPoints: state.store.points,
    durable: state.durable,
  };
}
