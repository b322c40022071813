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
  /** The response shape; `frames` asks for Grafana data frames. A payload `format` overrides it. */
  format?: 'timeserie' | 'timeseries' | 'table' | 'frames';
  hide?: boolean;
  /** simpod >= 0.3 per-query payload (object, or "" when empty in 0.3-0.5). */
  payload?: Record<string, unknown> | string;
  /** simpod 0.1-0.2 name of `payload`. */
  data?: Record<string, unknown> | string;
  /** simpod >= 0.6.0: which editor wrote the query; the payload means the same either way. */
  editorMode?: string;
  /** Added by Grafana: `{type, uid}`, or the data source name on early Grafana 8. */
  datasource?: Record<string, unknown> | string | null;
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
  /**
   * Not sent by Grafana's plugins: `rows` answers one flat object per point or table row (for Infinity);
   * any other format is the default of targets that name none.
   */
  format?: 'rows' | 'timeserie' | 'timeseries' | 'table' | 'frames';
  /** Grafana's variables; an annotation query (simpod, native annotations) carries `__annotation`. */
  scopedVars?: Record<string, unknown>;
}

export interface SearchRequest {
  target?: string;
  /** simpod 0.1-0.2 sent the query type alongside. */
  type?: string;
  /** simpod 0.2.6-0.3 "Raw JSON" variable queries post the user's object: `{"query": "label_values(City)"}`. */
  query?: string;
}

/** `POST /metrics` (simpod >= 0.6.0): `{}` in code mode, `{payload}` or `{metric, payload}` in builder mode. */
export interface MetricsRequest {
  metric?: string;
  payload?: Record<string, unknown> | string;
}

/** `POST /metric-payload-options` (simpod >= 0.6.0): the options of builder field `name`. */
export interface MetricPayloadOptionsRequest {
  metric: string;
  payload?: Record<string, unknown> | string;
  name: string;
}

/**
 * `POST /variable` (simpod >= 0.4.0): `payload` is `{target}` (Raw JSON off), or the object the user wrote
 * (Raw JSON on), read here through its `query` or `target`.
 */
export interface VariableRequest {
  payload: { target?: string; query?: string };
  range?: WireRange;
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
  metrics: 'metrics.json',
  metricPayloadOptions: 'metric-payload-options.json',
  variable: 'variable.json',
} as const;
