/**
 * What `/metrics` and `/metric-payload-options` answer, as simpod's openapi.yaml describes it and its
 * DataSource.ts parses it (contract §3.2, §3.4). Every optional property is left out rather than sent as
 * null: the client applies its defaults (`label = label ?? value`) only to missing properties.
 */
import type { PayloadFieldType } from '../../registry/payloads';

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
