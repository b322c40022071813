/**
 * Native annotations (JSON data source ≥ 0.3, contract §3.6): Grafana runs the annotation's saved query
 * through `/query` with refId `Anno`, `scopedVars.__annotation` and no `rangeRaw`, merges the frames it
 * gets into one and maps its fields by name: `time`, `timeEnd`, `title`, `text`, `tags` (a string is split
 * on commas). The answer is one table per annotation target, from the same events `/annotations` serves
 * the legacy plugin; the target text is the tag query, and an empty target means every event.
 */
import type { QueryRequest, WireTarget } from '../contract/requests';
import type { Registry } from '../registry/registry';
import type { TimeRange } from '../series/types';
import type { Clock } from '../time/clock';
import { resolveRange } from '../time/range';
import { queryAnnotations } from '../metadata/annotations';
import { defaultRefId } from './normalize';

/** The refId Grafana gives an annotation query. */
export const ANNOTATION_REF_ID = 'Anno';

export interface AnnotationTable {
  type: 'table';
  refId: string;
  columns: Array<{ text: 'time' | 'timeEnd' | 'title' | 'text' | 'tags'; type: 'time' | 'string' }>;
  /** `[time, timeEnd, title, text, tags]`; `timeEnd` is null for a point event, `tags` null for none. */
  rows: Array<[number, number | null, string, string, string | null]>;
}

const COLUMNS: AnnotationTable['columns'] = [
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

function annotationTable(
  registry: Registry,
  target: WireTarget,
  index: number,
  range: TimeRange,
  maxPatternLength: number | undefined,
): AnnotationTable {
  const matches = queryAnnotations(registry, range, target.target ?? '', {
    regexTerms: true,
    field: `body/targets/${index}/target`,
    ...(maxPatternLength === undefined ? {} : { maxPatternLength }),
  });
  return {
    type: 'table',
    refId: target.refId ?? defaultRefId(index),
    columns: COLUMNS,
    // null, not "" or time: Grafana skips null cells, so the event gets no end (no region) and no tags.
    rows: matches.map(({ event }) => [
      event.time,
      event.timeEnd ?? null,
      event.title,
      event.text,
      event.tags.length === 0 ? null : event.tags.join(','),
    ]),
  };
}

/** One table per visible target of an annotation query (Grafana sends one). */
export function answerAnnotationQuery(
  registry: Registry,
  body: QueryRequest,
  clock: Clock,
  maxPatternLength?: number,
): AnnotationTable[] {
  // Read range first, so a bad range is answered as such whatever the targets hold.
  const range = resolveRange(body.range, body.rangeRaw, clock);
  const out: AnnotationTable[] = [];
  body.targets.forEach((t, i) => {
    if (t.hide !== true) out.push(annotationTable(registry, t, i, range, maxPatternLength));
  });
  return out;
}
