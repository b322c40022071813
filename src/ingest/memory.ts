/**
 * Pushed points in memory: one growable pair of columns per series (metric + label set), kept sorted by
 * time, bounded by a retention age and a points-per-series cap (the oldest points are dropped first).
 * A point at a time the series already has replaces its value, as InfluxDB does.
 */
import { lowerBound, upperBound } from '../series/columnar';
import type { Columns, TimeRange } from '../series/types';
import type { Clock } from '../time/clock';
import { type IngestBatch, type IngestSeries, seriesKey } from './types';

export interface IngestLimits {
  /** Points older than `now - retentionMs` are dropped (on write and on read). */
  readonly retentionMs: number;
  /** Most points kept per series; past it the oldest go. */
  readonly maxPointsPerSeries: number;
  /** Most series (metric + label set) held; a batch that would add more is refused. Default 10 000. */
  readonly maxSeries?: number;
}

export const DEFAULT_RETENTION_MS = 30 * 24 * 3600_000;
export const DEFAULT_MAX_POINTS_PER_SERIES = 300_000;
export const DEFAULT_MAX_SERIES = 10_000;

/** One series' points: `times[head..head+length)` ascending, values alongside. */
export class SeriesBuffer {
  #times = new Float64Array(16);
  #values = new Float64Array(16);
  #head = 0;
  #length = 0;

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  get length(): number {
    return this.#length;
  }

  /** The newest time, or -Infinity when empty. */
  get last(): number {
    return this.#length === 0 ? -Infinity : (this.#times[this.#head + this.#length - 1] as number);
  }

  append(times: ArrayLike<number>, values: ArrayLike<number>): void {
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const v = values[i] as number;
      const last = this.last;
      if (t > last) this.#push(t, v);
      else if (t === last) this.#values[this.#head + this.#length - 1] = v;
      else this.#insert(t, v);
    }
  }

  /** Drops points older than `cutoff` and all but the newest `max`. Returns how many went. */
  trim(cutoff: number, max: number): number {
    const view = this.#times.subarray(this.#head, this.#head + this.#length);
    let drop = lowerBound(view, cutoff);
    if (this.#length - drop > max) drop = this.#length - max;
    this.#head += drop;
    this.#length -= drop;
    return drop;
  }

  /** The points in the range, as views (valid until the next write). */
  slice(range: TimeRange): Columns {
    const times = this.#times.subarray(this.#head, this.#head + this.#length);
    const from = lowerBound(times, range.from);
    const to = upperBound(times, range.to);
    return {
      times: times.subarray(from, to),
      values: this.#values.subarray(this.#head + from, this.#head + to),
    };
  }

  #push(t: number, v: number): void {
    const end = this.#head + this.#length;
    if (end === this.#times.length) this.#makeRoom();
    const at = this.#head + this.#length;
    this.#times[at] = t;
    this.#values[at] = v;
    this.#length++;
  }

  /** An out-of-order point: placed by binary search (rare: senders write in time order). */
  #insert(t: number, v: number): void {
    const view = this.#times.subarray(this.#head, this.#head + this.#length);
    const i = lowerBound(view, t);
    if (view[i] === t) {
      this.#values[this.#head + i] = v;
      return;
    }
    if (this.#head + this.#length === this.#times.length) this.#makeRoom();
    const at = this.#head + i;
    const end = this.#head + this.#length;
    this.#times.copyWithin(at + 1, at, end);
    this.#values.copyWithin(at + 1, at, end);
    this.#times[at] = t;
    this.#values[at] = v;
    this.#length++;
  }

  /** Moves the live points to the front, growing the columns when they are more than half full. */
  #makeRoom(): void {
    const capacity = this.#length * 2 > this.#times.length ? this.#times.length * 2 : this.#times.length;
    const times = capacity === this.#times.length ? this.#times : new Float64Array(capacity);
    const values = capacity === this.#values.length ? this.#values : new Float64Array(capacity);
    times.set(this.#times.subarray(this.#head, this.#head + this.#length));
    values.set(this.#values.subarray(this.#head, this.#head + this.#length));
    this.#times = times;
    this.#values = values;
    this.#head = 0;
  }
}

/** Every pushed series, by metric name then label-set key. */
export class PointStore {
  readonly #metrics = new Map<string, Map<string, SeriesBuffer>>();
  #points = 0;
  /** Counts the changes of the metric names held (not of their points). */
  #names = 0;
  /** Each batch series' key, built once though the `--max-series` check and `apply` both need it. */
  readonly #keys = new WeakMap<IngestSeries, string>();

  constructor(
    readonly limits: IngestLimits,
    private readonly clock: Clock,
  ) {}

  /** Changes when a metric appears or goes (the registry view is rebuilt then, not on every point). */
  get namesRevision(): number {
    return this.#names;
  }

  get points(): number {
    return this.#points;
  }

  /** Series held, over every metric. */
  get seriesCount(): number {
    let n = 0;
    for (const bySeries of this.#metrics.values()) n += bySeries.size;
    return n;
  }

  /** How many series of the batch are not held yet. */
  newSeries(batch: IngestBatch): number {
    let n = 0;
    for (const s of batch.series) if (this.#metrics.get(s.metric)?.has(this.#keyOf(s)) !== true) n++;
    return n;
  }

  metrics(): string[] {
    return [...this.#metrics.keys()];
  }

  has(metric: string): boolean {
    return this.#metrics.has(metric);
  }

  /** Stores a (checked) batch; points already past the retention are dropped with the oldest. */
  apply(batch: IngestBatch): void {
    const cutoff = this.clock() - this.limits.retentionMs;
    for (const s of batch.series) {
      let bySeries = this.#metrics.get(s.metric);
      if (bySeries === undefined) {
        bySeries = new Map();
        this.#metrics.set(s.metric, bySeries);
        this.#names++;
      }
      const key = this.#keyOf(s);
      let buffer = bySeries.get(key);
      if (buffer === undefined) {
        buffer = new SeriesBuffer(Object.freeze({ ...s.labels }));
        bySeries.set(key, buffer);
      }
      const before = buffer.length;
      buffer.append(s.times, s.values);
      buffer.trim(cutoff, this.limits.maxPointsPerSeries);
      this.#points += buffer.length - before;
    }
  }

  /** The series of a metric, trimmed to the retention as of now. */
  seriesOf(metric: string): SeriesBuffer[] {
    const bySeries = this.#metrics.get(metric);
    if (bySeries === undefined) return [];
    const cutoff = this.clock() - this.limits.retentionMs;
    const out: SeriesBuffer[] = [];
    for (const buffer of bySeries.values()) {
      this.#points -= buffer.trim(cutoff, this.limits.maxPointsPerSeries);
      out.push(buffer);
    }
    return out;
  }

  #keyOf(series: IngestSeries): string {
    let key = this.#keys.get(series);
    if (key === undefined) {
      key = seriesKey(series.labels);
      this.#keys.set(series, key);
    }
    return key;
  }

  removeMetric(metric: string): boolean {
    const bySeries = this.#metrics.get(metric);
    if (bySeries === undefined) return false;
    for (const buffer of bySeries.values()) this.#points -= buffer.length;
    this.#metrics.delete(metric);
    this.#names++;
    return true;
  }

  clear(): void {
    if (this.#metrics.size > 0) this.#names++;
    this.#metrics.clear();
    this.#points = 0;
  }

  /** What is held, for the admin API: per metric, its series' labels and point counts. */
  describe(): Array<{ metric: string; series: Array<{ labels: Record<string, string>; points: number }> }> {
    return this.metrics().map((metric) => ({
      metric,
      series: this.seriesOf(metric).map((b) => ({ labels: { ...b.labels }, points: b.length })),
    }));
  }
}
