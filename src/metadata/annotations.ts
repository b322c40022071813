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

/** Every event of one set inside the range, by time (a panel query naming the set, query/run.ts). */
export function eventsOfSet(set: AnnotationSet, range: TimeRange): AnnotationEvent[] {
  return eventsInRange(set, range, MAX_ANNOTATION_EVENTS).sort((a, b) => a.time - b.time);
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
export function queryAnnotations(
  registry: Registry,
  range: TimeRange,
  query: string,
  options: AnnotationQueryOptions = {},
): AnnotationMatch[] {
  const matchers: SafeRegex[] = queryTerms(query).map((term) => termMatcher(term, options));
  const out: AnnotationMatch[] = [];
  for (const set of registry.annotationSets()) {
    for (const event of eventsInRange(set, range, MAX_ANNOTATION_EVENTS - out.length)) {
      const ok = matchers.every((m) => m.test(set.name) || event.tags.some((tag) => m.test(tag)));
      if (ok) out.push({ set: set.name, event });
    }
  }
  return out.sort((a, b) => a.event.time - b.event.time);
}
