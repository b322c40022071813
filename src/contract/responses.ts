/**
 * The response bodies on the wire, beside the request types of requests.ts. What `/metrics` and `/metric-payload-options` answer, as simpod's openapi.yaml describes it and its
 * DataSource.ts parses it (docs/client-contract.md §3.2, §3.4). Every optional property is left out rather than sent as
 * null: the client applies its defaults (`label = label ?? value`) only to missing properties.
 */
import type { PayloadFieldType } from '../registry/payloads';

/** One dropdown choice. */
export interface WireOption {
  label: string;
  value: string;
}

/** One builder field (`MetricPayloadConfig`); 0.6.5 requires `name` on every one. */
export interface WirePayloadField {
  name: string;
  label: string;
  type: PayloadFieldType;
  /** Static choices; without them the client asks /metric-payload-options when the dropdown opens. */
  options?: WireOption[];
  placeholder?: string;
  width?: number;
  reloadMetric?: boolean;
}

/** One entry of the metric dropdown (`MetricConfig`). */
export interface WireMetric {
  value: string;
  label: string;
  payloads: WirePayloadField[];
}

/** Notices Grafana shows on the panel (a warning or error triangle with the text). */
export interface WireNotices {
  notices: Array<{ severity: 'warning' | 'error'; text: string }>;
}

/** A timeserie as both clients parse it: `datapoints` are `[value, epochMs]`, gaps are `null`. */
export interface WireSeries {
  target: string;
  refId: string;
  datapoints: Array<[number | null, number]>;
  /** Labels; Grafana's toDataFrame turns them into field labels (usable by ad hoc and legend). */
  tags?: Record<string, string>;
  unit?: string;
  meta?: WireNotices;
}

export interface WireTable {
  type: 'table';
  refId: string;
  name: string;
  columns: Array<{ text: string; type: string }>;
  rows: unknown[][];
  meta?: WireNotices;
}

export type WireFieldType = 'time' | 'number' | 'string' | 'boolean';

export interface WireField {
  name: string;
  type: WireFieldType;
  values: unknown[];
  labels?: Record<string, string>;
  config?: { unit?: string; displayNameFromDS?: string };
}

export interface WireFrame {
  refId: string;
  name: string;
  fields: WireField[];
  meta?: WireNotices;
}
