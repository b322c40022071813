/**
 * Native annotations (JSON data source ≥ 0.3, docs/client-contract.md §3.6): Grafana runs the annotation's saved query
 * through `/query` with refId `Anno`, `scopedVars.__annotation` and no `rangeRaw`, merges the frames it
 * gets into one and maps its fields by name: `time`, `timeEnd`, `title`, `text`, `tags` (a string is split
 * on commas). The answer is one table per annotation target, from the same events `/annotations` serves
 * the legacy plugin; the target text is the tag query, and an empty target means every event.
 *
 * The annotation editor is the data source's query editor, whose builder lists metrics and annotation sets
 * (`/metrics`). A target that finds no events and designates metrics rather than a set (a time series
 * picked by mistake) answers the empty table with a warning naming the sets that carry events.
 */
import type { QueryRequest, WireTarget } from '../contract/requests';
import type { WireNotices } from '../contract/responses';
import { PatternError } from '../errors';
import type { Registry } from '../registry/registry';
import type { AnnotationEvent } from '../registry/types';
import type { PatternOptions } from '../series/saferegex';
import type { TimeRange } from '../series/types';
import type { Clock } from '../time/clock';
import { resolveRange } from '../time/range';
import { type EventScope, queryAnnotations } from '../metadata/annotations';
import { defaultRefId } from './normalize';
import { namedAnnotationSets, resolveNames } from './selection';

/** The refId Grafana gives an annotation query. */
export const ANNOTATION_REF_ID = 'Anno';

/** `[time, timeEnd, title, text, tags]`; `timeEnd` is null for a point event, `tags` null for none. */
export type EventRow = [number, number | null, string, string, string | null];

export interface AnnotationTable {
  type: 'table';
  refId: string;
  columns: Array<{ text: 'time' | 'timeEnd' | 'title' | 'text' | 'tags'; type: 'time' | 'string' }>;
  rows: EventRow[];
  /** Grafana keeps a table's meta when it turns it into a frame; notices show as a warning. */
  meta?: WireNotices;
}

/** The columns Grafana maps an annotation frame by (docs/client-contract.md §3.6), for annotation and panel queries. */
export const EVENT_COLUMNS: AnnotationTable['columns'] = [
  { text: 'time', type: 'time' },
  { text: 'timeEnd', type: 'time' },
  { text: 'title', type: 'string' },
  { text: 'text', type: 'string' },
  { text: 'tags', type: 'string' },
];

/**
 * Whether a /query body is an annotation query: Grafana's annotation runner puts the annotation definition
 * in `scopedVars.__annotation` and names the target `Anno`. A panel query named "Anno" lacks the former.
 */
export function isAnnotationQuery(body: QueryRequest): boolean {
  const annotation = body.scopedVars?.__annotation;
  return (
    annotation !== undefined &&
    annotation !== null &&
    body.targets.some((t) => t.refId === ANNOTATION_REF_ID && t.hide !== true)
  );
}

/** One event as a row of EVENT_COLUMNS. */
export function eventRow(event: AnnotationEvent): EventRow {
  // null, not "" or time: Grafana skips null cells, so the event gets no end (no region) and no tags.
  return [
    event.time,
    event.timeEnd ?? null,
    event.title,
    event.text,
    event.tags.length === 0 ? null : event.tags.join(','),
  ];
}

/**
 * The warning for a target that found no events: set when it designates metrics and names no annotation
 * set (a set with no events in the range is no mistake), undefined otherwise.
 */
function metricNotice(registry: Registry, target: string, patterns: PatternOptions) {
  if (target === '' || namedAnnotationSets(registry, target, true).length > 0) return undefined;
  let metrics: string[];
  try {
    metrics = resolveNames(registry.names(), target, patterns);
  } catch (error) {
    if (error instanceof PatternError) return undefined;
    throw error;
  }
  if (metrics.length === 0) return undefined;
  const sets = registry.annotationSets().map((set) => JSON.stringify(set.name));
  const what = metrics.length === 1 ? `metric ${JSON.stringify(metrics[0])}` : `${metrics.length} metrics`;
  const where =
    sets.length === 0
      ? 'this server has no annotation sets'
      : `the targets that carry events are the annotation sets ${sets.join(', ')} (or their tags)`;
  const carry = metrics.length === 1 ? 'carries' : 'carry';
  return `${JSON.stringify(target)} names ${what}, which ${carry} no events: ${where}`;
}

async function annotationTable(
  registry: Registry,
  target: WireTarget,
  index: number,
  range: TimeRange,
  patterns: PatternOptions,
  scope: EventScope,
): Promise<AnnotationTable> {
  const options = { regexTerms: true, field: `body/targets/${index}/target`, ...patterns };
  const matches = await queryAnnotations(registry, range, target.target ?? '', options, scope);
  const table: AnnotationTable = {
    type: 'table',
    refId: target.refId ?? defaultRefId(index),
    columns: EVENT_COLUMNS,
    rows: matches.map(({ event }) => eventRow(event)),
  };
  if (table.rows.length > 0) return table;
  const notice = metricNotice(registry, target.target?.trim() ?? '', patterns);
  return notice === undefined
    ? table
    : { ...table, meta: { notices: [{ severity: 'warning', text: notice }] } };
}

/**
 * One table per visible target of an annotation query (Grafana sends one). Annotation sets with a reader
 * are read under `scope`; a failing one is logged and answers its stored events (metadata/annotations.ts).
 */
export async function answerAnnotationQuery(
  registry: Registry,
  body: QueryRequest,
  clock: Clock,
  patterns: PatternOptions,
  scope: EventScope,
): Promise<AnnotationTable[]> {
  // Read range first, so a bad range is answered as such whatever the targets hold.
  const range = resolveRange(body.range, body.rangeRaw, clock);
  const tables: Array<Promise<AnnotationTable>> = [];
  body.targets.forEach((t, i) => {
    if (t.hide !== true) tables.push(annotationTable(registry, t, i, range, patterns, scope));
  });
  return Promise.all(tables);
}
