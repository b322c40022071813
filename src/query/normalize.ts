import type { QueryRequest, WireFilter, WireTarget } from '../contract/requests';
import { mergeFilters } from '../series/filters';
import type { AdhocFilter, TimeRange } from '../series/types';
import type { Clock } from '../time/clock';
import { parseDuration } from '../time/duration';
import { intervalFor } from '../time/interval';
import { resolveRange } from '../time/range';
import { parseFormat, type ResultFormat } from './payload/builtins';

/** The result shape a target asked for; `undefined` lets the metric decide. */
export type TargetFormat = ResultFormat | undefined;

export interface QueryTarget {
  /** Position in the request's `targets`, for error fields such as `body/targets/2/payload`. */
  readonly index: number;
  readonly refId: string;
  readonly target: string;
  readonly format: TargetFormat;
  /** simpod's per-query payload (`payload`, or `data` before 0.3), always an object here. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A validated /query body reduced to what the pipeline needs. */
export interface QueryPlan {
  readonly range: TimeRange;
  readonly maxDataPoints: number;
  /** Grafana's `intervalMs` (or `interval`); without one, the nice interval for the range (time/interval.ts). */
  readonly intervalMs: number;
  readonly targets: readonly QueryTarget[];
  readonly filters: readonly AdhocFilter[];
  /** The body's `format: "rows"`: answer flat row objects (query/rows.ts) instead of series and tables. */
  readonly rows: boolean;
}

export interface QueryLimits {
  /** Used when the request has no `maxDataPoints` (curl, test code; Grafana always sends it). */
  readonly defaultMaxDataPoints: number;
  /** Requests asking for more points are answered with at most this many per series. */
  readonly maxDataPointsCeiling: number;
}

/** The editor's placeholder: the legacy client drops it, older clients and hand-made bodies may not. */
const PLACEHOLDER = 'select metric';

/** Targets the server answers nothing for: hidden ones (simpod <= 0.6.3 sends them), empty and placeholder. */
export function isSkipped(target: WireTarget): boolean {
  const text = target.target?.trim() ?? '';
  return target.hide === true || text === '' || text === PLACEHOLDER;
}

/** Grafana's refIds run A, B, … Z, AA, …; a target without one gets the letter of its position. */
export function defaultRefId(index: number): string {
  let n = index;
  let id = '';
  do {
    id = String.fromCharCode(65 + (n % 26)) + id;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return id;
}

/** `payload` is an object (simpod 0.6), `""` (0.3-0.5 when empty) or JSON text; `data` is its 0.1-0.2 name. */
export function normalizePayload(target: WireTarget): Record<string, unknown> {
  const raw = target.payload ?? target.data;
  if (raw === undefined || raw === '') return {};
  if (typeof raw === 'object') return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    // simpod itself turns an unparsable payload into {} (docs/client-contract.md §3.3); do the same.
    return {};
  }
}

export function normalizeFilters(filters: readonly WireFilter[] | undefined): AdhocFilter[] {
  return (filters ?? []).map((f) => {
    const base = { key: f.key, operator: f.operator, value: String(f.value ?? '') };
    return f.values === undefined ? base : { ...base, values: f.values.map(String) };
  });
}

/**
 * The target's `format` (`frames` too), else its legacy `type`, else the body's own `format` (unless
 * `rows`, which shapes the whole answer); a payload `format` overrides all of them later.
 */
function format(target: WireTarget, body: QueryRequest): TargetFormat {
  const fallback = body.format === 'rows' ? undefined : body.format;
  const named = target.format ?? target.type ?? fallback;
  return named === undefined ? undefined : parseFormat(named);
}

/** Validated body → plan: range resolved against the clock, skipped targets dropped, filters merged. */
export function normalizeQuery(body: QueryRequest, clock: Clock, limits: QueryLimits): QueryPlan {
  const range = resolveRange(body.range, body.rangeRaw, clock);
  const targets: QueryTarget[] = [];
  body.targets.forEach((t, i) => {
    if (isSkipped(t)) return;
    targets.push({
      index: i,
      refId: t.refId ?? defaultRefId(i),
      target: (t.target as string).trim(),
      format: format(t, body),
      payload: normalizePayload(t),
    });
  });
  let intervalMs = body.intervalMs;
  if (intervalMs === undefined && body.interval !== undefined) {
    intervalMs = parseDuration(body.interval, 'interval');
  }
  const requested =
    body.maxDataPoints === undefined ? limits.defaultMaxDataPoints : Math.floor(body.maxDataPoints);
  const maxDataPoints = Math.max(1, Math.min(requested, limits.maxDataPointsCeiling));
  return {
    range,
    maxDataPoints,
    intervalMs:
      intervalMs !== undefined && intervalMs > 0
        ? intervalMs
        : intervalFor(range.to - range.from, maxDataPoints),
    targets,
    // Legacy sends `adhocFilters`, Grafana >= 10.2 adds the same filters as `filters`: union, deduplicated.
    filters: mergeFilters(normalizeFilters(body.adhocFilters), normalizeFilters(body.filters)),
    rows: body.format === 'rows',
  };
}
