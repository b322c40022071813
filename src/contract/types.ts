/**
 * Wire types of the request bodies, as the schemas in schemas/ accept them. Only the fields the server
 * reads are modelled; Grafana sends many more, which are accepted and ignored.
 * src/contract/types.test.ts keeps each interface's keys equal to its schema's `properties`.
 */

export type WireTime = string | number;

export interface WireRawRange {
  from?: WireTime;
  to?: WireTime;
}

export interface WireRange {
  from?: WireTime;
  to?: WireTime;
  raw?: WireRawRange;
}

export interface WireFilter {
  key: string;
  operator: '=' | '!=' | '<' | '>' | '=~' | '!~' | '=|' | '!=|';
  value?: string | number | boolean;
  values?: Array<string | number | boolean>;
  condition?: string;
}

export interface WireTarget {
  target?: string;
  refId?: string;
  type?: 'timeserie' | 'timeseries' | 'table';
  hide?: boolean;
  /** simpod >= 0.3 per-query payload (object, or "" when empty in 0.3-0.5). */
  payload?: Record<string, unknown> | string;
  /** simpod 0.1-0.2 name of `payload`. */
  data?: Record<string, unknown> | string;
}

export interface QueryRequest {
  targets: WireTarget[];
  range?: WireRange;
  rangeRaw?: WireRawRange;
  interval?: string;
  intervalMs?: number;
  maxDataPoints?: number;
  adhocFilters?: WireFilter[];
  filters?: WireFilter[];
}

export interface SearchRequest {
  target?: string;
  /** simpod 0.1-0.2 sent the query type alongside. */
  type?: string;
}

export interface AnnotationsRequest {
  range?: WireRange;
  rangeRaw?: WireRawRange;
  annotation?: { name?: string; query?: string; enable?: boolean };
}

export interface TagKeysRequest {
  filters?: WireFilter[];
}

export interface TagValuesRequest {
  key: string;
  filters?: WireFilter[];
}

/** The `$id` of each request body schema, by endpoint. */
export const REQUEST_SCHEMAS = {
  query: 'query.json',
  search: 'search.json',
  annotations: 'annotations.json',
  tagKeys: 'tag-keys.json',
  tagValues: 'tag-values.json',
} as const;
