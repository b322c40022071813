/**
 * Pushed points as JSON (POST /write with `application/json`, the admin API, the library). Accepted shapes:
 *
 * 1. One series, its points as `[value, time]` pairs: the order of a fixture file's `points` (SimpleJSON's
 *    datapoint order), so a series copied from a fixture file can be pushed as it is.
 *
 *        {"metric": "room.temp", "labels": {"room": "kitchen"},
 *         "points": [[21.5, 1715677200000], [21.7, "2024-05-14T09:01:00Z"], [21.6]]}
 *
 * 2. An array of such series: `[{"metric": "room.temp", …}, {"metric": "room.humidity", …}]`.
 *
 * 3. One object per point:
 *
 *        {"points": [{"metric": "room.temp", "labels": {"room": "kitchen"}, "time": 1715677200000, "value": 21.5}]}
 *
 * - `labels` is optional (none: `{}`); label values are strings.
 * - A time is epoch milliseconds (an integer, or a string of digits) or an ISO 8601 date-time with a zone
 *   (`2024-05-14T09:01:00Z`, `…T11:01:00+02:00`): a zone-less time would depend on where it was written. A
 *   point without a time (`[21.6]`, no `"time"`) is at the server's `now`.
 * - A value is a finite number. Metric names, label keys and label values are at most 256 characters.
 * - Other keys are refused, so that a misspelt key (`tags` for `labels`) is not silently dropped.
 * Points of the same metric and labels are one series of the batch, in the order they came.
 */
import { WriteError } from '../errors';
import { describeValue } from '../time/describe';
import { parseIso } from '../time/iso';
import { type IngestBatch, type IngestSeries, seriesKey } from './types';

/** The longest metric name, label key or label value a push may use. */
export const MAX_NAME_LENGTH = 256;

export interface JsonPointsOptions {
  /** Epoch ms given to a point without a time. */
  readonly now: number;
}

/**
 * Builds a batch: one IngestSeries per metric and label set (labels sorted by key), in the order of first
 * use. Shared by the JSON, CSV and line protocol parsers.
 */
export class BatchCollector {
  readonly #byMetric = new Map<string, Map<string, IngestSeries>>();
  readonly #series: IngestSeries[] = [];

  /** The series of `metric` with `labels` (in any key order), made at its first use. */
  series(metric: string, labels: Readonly<Record<string, string>>): IngestSeries {
    let byLabels = this.#byMetric.get(metric);
    if (byLabels === undefined) {
      byLabels = new Map();
      this.#byMetric.set(metric, byLabels);
    }
    const key = seriesKey(labels);
    let series = byLabels.get(key);
    if (series === undefined) {
      // fromEntries defines own properties, so a `__proto__` label stays a label.
      const sorted = Object.fromEntries(
        Object.keys(labels)
          .sort()
          .map((k) => [k, labels[k] as string]),
      );
      series = { metric, labels: sorted, times: [], values: [] };
      byLabels.set(key, series);
      this.#series.push(series);
    }
    return series;
  }

  /** The series that received points, and their point count. */
  batch(): IngestBatch {
    const series = this.#series.filter((s) => s.times.length > 0);
    let points = 0;
    for (const s of series) points += s.times.length;
    return { series, points };
  }
}

/** A pushed time read as epoch ms, or why it cannot be (a phrase following what names the value). */
export type PushTime =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

const EPOCH_MS = /^-?\d+$/;
/** The end of the time of day of an ISO 8601 date-time: `Z` or an offset. */
const ZONE = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/** Reads an epoch-ms number or digit string, or an ISO 8601 date-time with a zone (never the host's zone). */
export function readPushTime(value: unknown): PushTime {
  const text = typeof value === 'string' ? value.trim() : undefined;
  if ((typeof value === 'number' && Number.isFinite(value)) || (text !== undefined && EPOCH_MS.test(text))) {
    const ms = Number(text ?? value);
    if (Number.isSafeInteger(ms)) return { ok: true, ms: ms === 0 ? 0 : ms }; // not -0
    if (!Number.isInteger(ms)) {
      return { ok: false, reason: `must be whole epoch milliseconds, not ${describeValue(value)}` };
    }
    return {
      ok: false,
      reason: `is out of range: ${describeValue(value)} (epoch ms must be a safe integer)`,
    };
  }
  if (text !== undefined) {
    const iso = parseIso(text);
    if (iso.ok) {
      // parseIso reads a zone-less time as UTC; a push must say its zone. The date is 10 characters.
      if (text.length > 10 && ZONE.test(text.slice(10))) return { ok: true, ms: iso.ms };
      return {
        ok: false,
        reason: `needs a zone: ${describeValue(value)} (add Z or an offset such as +02:00)`,
      };
    }
    if (iso.reason !== undefined) {
      return { ok: false, reason: `is not a time: ${describeValue(value)}: ${iso.reason}` };
    }
  }
  return {
    ok: false,
    reason: `must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not ${describeValue(value)}`,
  };
}

/** Parses an already JSON-decoded body into a batch; throws WriteError naming the JSON path of the problem. */
export function parseJsonPoints(value: unknown, options: JsonPointsOptions): IngestBatch {
  const collector = new BatchCollector();
  if (Array.isArray(value)) {
    value.forEach((entry, i) => addSeries(collector, entry, `body/${i}`, options.now));
  } else if (isObject(value) && Object.hasOwn(value, 'metric')) {
    addSeries(collector, value, 'body', options.now);
  } else if (isObject(value) && Object.hasOwn(value, 'points')) {
    addPointObjects(collector, value, options.now);
  } else {
    throw new WriteError(
      'body must be a series {"metric", "labels", "points": [[value, time], …]}, an array of them, ' +
        'or {"points": [{"metric", "labels", "time", "value"}, …]}',
      'body',
    );
  }
  return collector.batch();
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, message: string): never {
  throw new WriteError(`${path} ${message}`, path);
}

function checkKeys(entry: JsonObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) {
      fail(`${path}/${key}`, `is not a known key (known: ${allowed.join(', ')})`);
    }
  }
}

function addSeries(collector: BatchCollector, entry: unknown, path: string, now: number): void {
  if (!isObject(entry)) fail(path, 'must be an object {"metric", "labels", "points"}');
  checkKeys(entry, ['metric', 'labels', 'points'], path);
  const metric = readMetric(entry['metric'], `${path}/metric`);
  const labels = readLabels(entry['labels'], `${path}/labels`);
  const points = entry['points'];
  if (!Array.isArray(points)) fail(`${path}/points`, 'must be an array of [value, time] pairs');
  if (points.length === 0) return;
  const series = collector.series(metric, labels);
  points.forEach((point: unknown, j) => {
    const at = `${path}/points/${j}`;
    if (!Array.isArray(point) || point.length < 1 || point.length > 2) {
      fail(at, 'must be a [value, time] pair (or [value], at the time of the request)');
    }
    const value = readValue(point[0], `${at}/0`);
    series.times.push(point.length === 2 ? readTime(point[1], `${at}/1`) : now);
    series.values.push(value);
  });
}

function addPointObjects(collector: BatchCollector, body: JsonObject, now: number): void {
  checkKeys(body, ['points'], 'body');
  const points = body['points'];
  if (!Array.isArray(points))
    fail('body/points', 'must be an array of {"metric", "labels", "time", "value"}');
  points.forEach((point: unknown, j) => {
    const at = `body/points/${j}`;
    if (!isObject(point)) {
      fail(
        at,
        'must be an object {"metric", "labels", "time", "value"} (for [value, time] pairs, give "metric" beside "points")',
      );
    }
    checkKeys(point, ['metric', 'labels', 'time', 'value'], at);
    const metric = readMetric(point['metric'], `${at}/metric`);
    const labels = readLabels(point['labels'], `${at}/labels`);
    const value = readValue(point['value'], `${at}/value`);
    const time = Object.hasOwn(point, 'time') ? readTime(point['time'], `${at}/time`) : now;
    const series = collector.series(metric, labels);
    series.times.push(time);
    series.values.push(value);
  });
}

function readMetric(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
  if (value.length > MAX_NAME_LENGTH) fail(path, `is longer than ${MAX_NAME_LENGTH} characters`);
  return value;
}

function readLabels(value: unknown, path: string): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (!isObject(value)) fail(path, 'must be an object of strings, such as {"room": "kitchen"}');
  for (const [key, label] of Object.entries(value)) {
    if (key === '') fail(path, 'has an empty key');
    if (key.length > MAX_NAME_LENGTH) fail(path, `has a key longer than ${MAX_NAME_LENGTH} characters`);
    if (typeof label !== 'string') fail(`${path}/${key}`, 'must be a string');
    if (label.length > MAX_NAME_LENGTH)
      fail(`${path}/${key}`, `is longer than ${MAX_NAME_LENGTH} characters`);
  }
  return value as Readonly<Record<string, string>>;
}

function readValue(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a finite number');
  return value;
}

function readTime(value: unknown, path: string): number {
  const time = readPushTime(value);
  if (!time.ok) fail(path, time.reason);
  return time.ms;
}
