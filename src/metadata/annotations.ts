import { PatternError } from '../errors';
import type { Registry } from '../registry/registry';
import type { AnnotationEvent, AnnotationSet } from '../registry/types';
import {
  compileSafeRegex,
  DEFAULT_MAX_PATTERN_LENGTH,
  type PatternOptions,
  type SafeRegex,
} from '../series/saferegex';
import type { TimeRange } from '../series/types';
import { badAnswer } from '../sources/answer';
import { callReader } from '../sources/call';
import { intervalFor } from '../time/interval';

/** Upper bound on events one request expands from recurring definitions (a 365-day range at every 1m). */
export const MAX_ANNOTATION_EVENTS = 5000;

export interface AnnotationMatch {
  readonly set: string;
  readonly event: AnnotationEvent;
}

/**
 * Turns one glob term into an anchored pattern: `{a,b}` alternatives, `*` any run, `?` one character;
 * everything else literal. Grafana interpolates multi-value variables in `annotation.query` as `{a,b}`.
 */
export function globToPattern(glob: string): string {
  let out = '';
  let depth = 0;
  for (const ch of glob) {
    if (ch === '{') {
      depth++;
      out += '(?:';
    } else if (ch === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (ch === ',' && depth > 0) {
      out += '|';
    } else if (ch === '*') {
      out += '.*';
    } else if (ch === '?') {
      out += '.';
    } else {
      out += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
  }
  return out + ')'.repeat(depth);
}

/** Splits a query into terms on whitespace and on commas outside braces; a leading `#` is dropped. */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of query) {
    if (ch === '{') depth++;
    if (ch === '}' && depth > 0) depth--;
    if ((/\s/.test(ch) || ch === ',') && depth === 0) {
      if (current !== '') terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') terms.push(current);
  return terms.map((t) => t.replace(/^#/, '')).filter((t) => t !== '');
}

/** Events of a set that overlap the range: stored ones plus the recurring ones expanded for the range. */
function eventsInRange(set: AnnotationSet, range: TimeRange, budget: number): AnnotationEvent[] {
  const out: AnnotationEvent[] = [];
  const overlaps = (e: AnnotationEvent) => e.time <= range.to && (e.timeEnd ?? e.time) >= range.from;
  for (const e of set.events) if (overlaps(e)) out.push({ ...e, tags: [...set.tags, ...e.tags] });
  for (const r of set.recurring) {
    const duration = r.duration ?? 0;
    const first = Math.ceil((range.from - r.offset - duration) / r.every);
    const last = Math.floor((range.to - r.offset) / r.every);
    // Newest first, so that a capped answer keeps the events nearest "now".
    for (let k = last; k >= first && out.length < budget; k--) {
      const time = k * r.every + r.offset;
      const event: AnnotationEvent = {
        time,
        ...(duration > 0 ? { timeEnd: time + duration } : {}),
        title: r.title,
        text: r.text,
        tags: [...set.tags, ...r.tags],
      };
      if (overlaps(event)) out.push(event);
    }
  }
  return out;
}

/** What reading an annotation set's reader needs: the request's signal and where a failure is logged. */
export interface EventScope {
  readonly signal: AbortSignal;
  readonly log: { error(message: string, error?: unknown): void };
}

function epochOf(value: unknown): number | undefined {
  const t = value instanceof Date ? value.getTime() : value;
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

/** One event of a reader's answer, checked; the set's tags come first. */
function readEvent(set: AnnotationSet, value: unknown, i: number): AnnotationEvent {
  const e = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const time = epochOf(e.time);
  if (time === undefined)
    return badAnswer(set.name, `an event without a time at event ${i}`, 'annotation set');
  const timeEnd = e.timeEnd === undefined || e.timeEnd === null ? undefined : epochOf(e.timeEnd);
  if (timeEnd === undefined && e.timeEnd !== undefined && e.timeEnd !== null) {
    return badAnswer(set.name, `a timeEnd that is not epoch ms or a Date at event ${i}`, 'annotation set');
  }
  const tags = e.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    return badAnswer(set.name, `tags that are not an array of strings at event ${i}`, 'annotation set');
  }
  return {
    time,
    ...(timeEnd === undefined ? {} : { timeEnd }),
    title: typeof e.title === 'string' ? e.title : '',
    text: typeof e.text === 'string' ? e.text : '',
    tags: [...set.tags, ...(tags as string[])],
  };
}

/** Points of a panel's width, for the interval a reader of events is given (Grafana's default maxDataPoints). */
const ANNOTATION_POINTS = 1000;

/** The events of a set's reader that overlap the range (none without a reader). @throws SourceError */
async function readerEvents(
  set: AnnotationSet,
  range: TimeRange,
  scope: EventScope,
): Promise<AnnotationEvent[]> {
  const { reader } = set;
  if (reader === undefined) return [];
  const request = {
    metric: set.name,
    range,
    // A SQL reader's $__interval needs one: the interval Grafana would use for the range.
    intervalMs: intervalFor(range.to - range.from, ANNOTATION_POINTS),
    maxDataPoints: MAX_ANNOTATION_EVENTS,
    aggregation: 'last' as const,
    filters: [],
    payload: {},
    refId: 'Anno',
    signal: scope.signal,
  };
  const what = reader.describe ?? 'read()';
  const answer = await callReader(set.name, scope.signal, () => reader.read(request), what, 'annotation set');
  if (!Array.isArray(answer)) return badAnswer(set.name, 'no array of events', 'annotation set');
  const overlaps = (e: AnnotationEvent) => e.time <= range.to && (e.timeEnd ?? e.time) >= range.from;
  return answer.map((e, i) => readEvent(set, e, i)).filter(overlaps);
}

/** Every event of one set inside the range, by time (a panel query naming the set, query/run.ts). */
export async function eventsOfSet(
  set: AnnotationSet,
  range: TimeRange,
  scope: EventScope,
): Promise<AnnotationEvent[]> {
  const read = await readerEvents(set, range, scope);
  const events = [...eventsInRange(set, range, MAX_ANNOTATION_EVENTS), ...read];
  return events.slice(0, MAX_ANNOTATION_EVENTS).sort((a, b) => a.time - b.time);
}

export interface AnnotationQueryOptions extends PatternOptions {
  /**
   * Also read each term as an anchored regex. The JSON (simpod) data source sends the annotation query as
   * a panel target, which Grafana interpolates in its regex format (`(web-01|web-02)`, `db\.01`), not as
   * the glob (`{web-01,web-02}`) the legacy `/annotations` gets. A term that is no valid regex is a glob.
   */
  readonly regexTerms?: boolean;
  /** Names the query in PatternError messages; default `annotation.query`. */
  readonly field?: string;
}

/** One term as a matcher: its glob, or (with `regexTerms`) its glob or itself as an anchored regex. */
function termMatcher(term: string, options: AnnotationQueryOptions): SafeRegex {
  const opts = {
    anchored: true,
    field: options.field ?? 'annotation.query',
    maxLength: options.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH,
  };
  const glob = compileSafeRegex(globToPattern(term), opts);
  if (options.regexTerms !== true) return glob;
  let regex: SafeRegex;
  try {
    regex = compileSafeRegex(term, opts);
  } catch (error) {
    if (error instanceof PatternError) return glob;
    throw error;
  }
  return { source: term, test: (input) => glob.test(input) || regex.test(input) };
}

/**
 * Events inside the range whose tags match every term of `query` (or whose set is named by the term);
 * an empty query matches every event. Sorted by time, at most MAX_ANNOTATION_EVENTS.
 */
export async function queryAnnotations(
  registry: Registry,
  range: TimeRange,
  query: string,
  options: AnnotationQueryOptions,
  scope: EventScope,
): Promise<AnnotationMatch[]> {
  const matchers: SafeRegex[] = queryTerms(query).map((term) => termMatcher(term, options));
  const sets = registry.annotationSets();
  const read = await readAll(sets, range, scope);
  const out: AnnotationMatch[] = [];
  sets.forEach((set, i) => {
    const events = [...eventsInRange(set, range, MAX_ANNOTATION_EVENTS - out.length), ...(read[i] ?? [])];
    for (const event of events) {
      if (out.length >= MAX_ANNOTATION_EVENTS) break;
      const ok = matchers.every((m) => m.test(set.name) || event.tags.some((tag) => m.test(tag)));
      if (ok) out.push({ set: set.name, event });
    }
  });
  return out.sort((a, b) => a.event.time - b.event.time);
}

/**
 * The reader events of every set, in set order. A failing reader is logged and its set answers its stored
 * events only; when every set has a reader and all of them failed, the first error is thrown.
 */
async function readAll(
  sets: readonly AnnotationSet[],
  range: TimeRange,
  scope: EventScope,
): Promise<AnnotationEvent[][]> {
  if (!sets.some((s) => s.reader !== undefined)) return [];
  const outcomes = await Promise.allSettled(sets.map((set) => readerEvents(set, range, scope)));
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
  if (errors.length > 0 && errors.length === sets.length) throw errors[0] as Error;
  for (const error of errors) if (!scope.signal.aborted) scope.log.error(error.message, error.cause ?? error);
  return outcomes.map((o) => (o.status === 'fulfilled' ? o.value : []));
}
