/**
 * What the server serves at run time: the registry loaded at start (or by the last reload), the changes
 * made since through the admin API or the library (RegistryOp, replayed in order), and the pushed points
 * (PointStore) as metrics of their own. With a data directory every change and point is committed there
 * before it is acknowledged, and what other processes of the host committed is read back every
 * POLL_MS (src/ingest/durable.ts).
 */
import { AppError, FixtureError } from '../errors';
import { closeDatabasesOf } from '../fixtures/databases';
import { loadFixtureObject } from '../fixtures/load';
import type { Logger } from '../http/options';
import type { IngestBatch, RegistryOp } from '../ingest/types';
import { DEFAULT_MAX_SERIES, PointStore, type IngestLimits } from '../ingest/memory';
import { pushedReader } from '../ingest/reader';
import { Registry } from '../registry/registry';
import type { Metric } from '../registry/types';
import { type Clock, fixedClock } from '../time/clock';

/** The part of the durable store (src/ingest/durable.ts) the runtime state uses. */
export interface DurableLog {
  write(batch: IngestBatch): Promise<StoredChanges>;
  appendOp(op: RegistryOp): Promise<StoredChanges>;
  changes(): Promise<StoredChanges>;
  trim(cutoffMs: number, maxPointsPerSeries: number): Promise<{ deleted: number }>;
  close(): Promise<void>;
}

export interface StoredChanges {
  readonly ops: ReadonlyArray<{ readonly seq: number; readonly op: RegistryOp }>;
  readonly points: IngestBatch;
}

export interface RuntimeOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: IngestLimits;
  readonly durable?: DurableLog;
}

/** How often the changes of other processes are read from the data directory. */
export const POLL_MS = 250;
/** How often old points are deleted from the data directory. */
const TRIM_MS = 60_000;
/** How long the databases of a document that was replaced stay open for requests still reading them. */
const RETIRE_MS = 60_000;

/** A change as kept in memory: the op, and for a document the registry it loaded to (loaded once). */
interface Applied {
  readonly op: RegistryOp;
  readonly loaded: Registry | undefined;
}

export interface WriteResult {
  readonly points: number;
  readonly series: number;
}

export class RuntimeState {
  readonly store: PointStore;
  #applied: Applied[] = [];
  #version = 0;
  #cache: { base: Registry; version: number; names: number; registry: Registry } | undefined;
  readonly #pushed = new WeakSet<Metric>();
  #timers: NodeJS.Timeout[] = [];
  #closed = false;

  private constructor(
    private readonly base: () => Registry,
    private readonly options: RuntimeOptions,
  ) {
    this.store = new PointStore(options.limits, options.clock);
  }

  /** Builds the state; with a data directory, replays what it holds first and starts following it. */
  static async open(base: () => Registry, options: RuntimeOptions): Promise<RuntimeState> {
    const state = new RuntimeState(base, options);
    const { durable } = options;
    if (durable !== undefined) {
      state.#absorb(await durable.changes());
      const poll = setInterval(() => void state.#poll(), POLL_MS);
      const trim = setInterval(() => void state.#trim(), TRIM_MS);
      poll.unref();
      trim.unref();
      state.#timers = [poll, trim];
    }
    return state;
  }

  get durable(): boolean {
    return this.options.durable !== undefined;
  }

  /** How many runtime changes are in effect (0 after a reset). */
  get changes(): number {
    return this.#applied.length;
  }

  /** The registry to serve now: the loaded one itself while nothing was changed or pushed. */
  current(): Registry {
    const base = this.base();
    const names = this.store.namesRevision;
    const cache = this.#cache;
    if (
      cache !== undefined &&
      cache.base === base &&
      cache.version === this.#version &&
      cache.names === names
    )
      return cache.registry;
    const registry = this.#compose(base);
    this.#cache = { base, version: this.#version, names, registry };
    return registry;
  }

  /**
   * Makes a change. A document is loaded (checked whole) before anything changes: a bad one throws
   * INVALID_DOCUMENT naming the field and changes nothing. With a data directory the change is committed
   * there first. Resolves with the registry now served.
   */
  async change(op: RegistryOp): Promise<Registry> {
    const checked = this.#check(op);
    const { durable } = this.options;
    if (durable === undefined) this.#apply(checked);
    else this.#absorb(await durable.appendOp(checked.op), checked);
    return this.current();
  }

  /**
   * Stores a parsed batch: refused whole (409 CONFLICT naming the metric) when it names a metric that is
   * not a stored or pushed series. With a data directory it is committed there before this resolves.
   */
  async write(batch: IngestBatch): Promise<WriteResult> {
    const registry = this.current();
    for (const s of batch.series) {
      const metric = registry.get(s.metric);
      if (metric === undefined || this.#pushed.has(metric)) continue;
      if (metric.kind === 'timeseries' && metric.source.kind === 'stored') continue;
      const what = metric.kind === 'table' ? 'a table' : `a ${metric.source.kind} series`;
      throw new AppError(
        'CONFLICT',
        `metric ${JSON.stringify(s.metric)} is ${what}, not a stored series: points can only be pushed to stored series or new names`,
        { field: `metric ${s.metric}` },
      );
    }
    const max = this.options.limits.maxSeries ?? DEFAULT_MAX_SERIES;
    const added = this.store.newSeries(batch);
    if (added > 0 && this.store.seriesCount + added > max) {
      throw new AppError(
        'TOO_MANY_SERIES',
        `the batch adds ${added} series to the ${this.store.seriesCount} held, more than the ${max} allowed (--max-series); a tag with ever new values (an id, a timestamp) makes a series per value`,
      );
    }
    const { durable } = this.options;
    if (durable === undefined) this.store.apply(batch);
    else this.#absorb(await durable.write(batch));
    return { points: batch.points, series: batch.series.length };
  }

  /** Is this metric (of the current registry) served from pushed points? */
  isPushed(metric: Metric): boolean {
    return this.#pushed.has(metric);
  }

  /** Reads what other processes committed to the data directory (also done every POLL_MS). */
  async sync(): Promise<void> {
    if (this.options.durable !== undefined) this.#absorb(await this.options.durable.changes());
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.options.durable?.close();
    await Promise.allSettled(this.#applied.map((a) => (a.loaded ? closeDatabasesOf(a.loaded) : undefined)));
  }

  async #poll(): Promise<void> {
    try {
      await this.sync();
    } catch (err) {
      if (!this.#closed) this.options.logger.error('reading the data directory failed', err);
    }
  }

  async #trim(): Promise<void> {
    const { limits, clock, durable } = this.options;
    try {
      await durable?.trim(clock() - limits.retentionMs, limits.maxPointsPerSeries);
    } catch (err) {
      if (!this.#closed) this.options.logger.error('trimming the data directory failed', err);
    }
  }

  /** Loads an op's document now, so a bad one fails before anything is stored. */
  #check(op: RegistryOp): Applied {
    if (op.op === 'replace' || op.op === 'merge') {
      const now = op.now ?? this.options.clock();
      const stamped = { ...op, now };
      return { op: stamped, loaded: loadDocument(op.document, now) };
    }
    return { op, loaded: undefined };
  }

  /** Applies the changes read from the data directory: ops first, then points (see DurableStore). */
  #absorb(changes: StoredChanges, mine?: Applied): void {
    for (const { op } of changes.ops) {
      if (mine !== undefined && op.op === mine.op.op && sameOp(op, mine.op)) {
        this.#apply(mine);
        mine = undefined;
        continue;
      }
      try {
        this.#apply(this.#check(op));
      } catch (err) {
        this.options.logger.error(`a stored registry change no longer loads and was skipped (${op.op})`, err);
      }
    }
    if (changes.points.points > 0) this.store.apply(changes.points);
  }

  #apply(applied: Applied): void {
    const { op } = applied;
    if (op.op === 'reset') {
      this.#retire(this.#applied);
      this.#applied = [];
      this.store.clear();
    } else if (op.op === 'replace') {
      this.#retire(this.#applied);
      this.#applied = [applied];
    } else {
      if (op.op === 'remove' && op.kind === 'metric') this.store.removeMetric(op.name);
      this.#applied.push(applied);
    }
    this.#version++;
  }

  #retire(list: readonly Applied[]): void {
    for (const { loaded } of list) {
      if (loaded !== undefined) setTimeout(() => void closeDatabasesOf(loaded), RETIRE_MS).unref();
    }
  }

  #compose(base: Registry): Registry {
    const names = this.store.metrics();
    if (this.#applied.length === 0 && names.length === 0) return base;
    let registry = base.copy();
    for (const { op, loaded } of this.#applied) {
      if (op.op === 'replace') registry = (loaded as Registry).copy();
      else if (op.op === 'merge') registry.adopt(loaded as Registry);
      else if (op.op === 'remove') {
        if (op.kind === 'metric') registry.remove(op.name);
        else registry.removeAnnotationSet(op.name);
      }
    }
    for (const name of names) {
      const def = registry.get(name);
      // A definition other than a stored series wins: its pushed points wait until it goes.
      if (def !== undefined && !(def.kind === 'timeseries' && def.source.kind === 'stored')) continue;
      const stored =
        def?.kind === 'timeseries' && def.source.kind === 'stored' ? def.source.columns : undefined;
      if (def !== undefined) registry.remove(name);
      const metric = registry.addTimeSeries({
        name,
        ...(def?.displayName === undefined ? {} : { displayName: def.displayName }),
        ...(def === undefined ? {} : { labels: def.labels, aggregation: def.aggregation }),
        ...(def?.unit === undefined ? {} : { unit: def.unit }),
        source: { kind: 'reader', reader: pushedReader(this.store, name, stored) },
      });
      this.#pushed.add(metric);
    }
    return registry;
  }
}

function sameOp(a: RegistryOp, b: RegistryOp): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A fixture document as a registry, its errors as INVALID_DOCUMENT (400) naming the field. */
export function loadDocument(document: unknown, now: number): Registry {
  try {
    return loadFixtureObject(document, { clock: fixedClock(now), file: 'document' });
  } catch (err) {
    if (err instanceof FixtureError) throw new AppError('INVALID_DOCUMENT', err.message, { cause: err });
    throw err;
  }
}
