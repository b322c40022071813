/**
 * The payload fields every metric has, whatever it declares: `aggregation` (how a downsampled series
 * reduces each bucket) and `format` (the response shape). Both are read from a /query target's payload
 * here, and offered to the builder as `select` fields with static options.
 */
import { PayloadError } from '../../errors';
import { AGGREGATIONS, type Aggregation, isAggregation } from '../../series/types';
import type { Selection } from '../selection';
import { payloadString } from './values';
import type { WireOption, WirePayloadField } from '../../contract/responses';

/** The response shapes: SimpleJSON timeserie and table, and Grafana data frames. */
export const RESULT_FORMATS = ['timeserie', 'table', 'frames'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

const FORMAT_LABELS: Record<ResultFormat, string> = {
  timeserie: 'Time series',
  table: 'Table',
  frames: 'Data frames',
};

/**
 * A format name as the clients and users write it: `timeseries` is simpod 0.1-0.2's spelling of
 * `timeserie`. Undefined for anything else.
 */
export function parseFormat(value: string): ResultFormat | undefined {
  if (value === 'timeseries') return 'timeserie';
  return (RESULT_FORMATS as readonly string[]).includes(value) ? (value as ResultFormat) : undefined;
}

/**
 * `payload[key]` as one of `allowed` (through `parse`, which maps a spelling to its value or gives
 * undefined), or undefined when not set.
 *
 * @throws PayloadError naming `<field>/<key>` for any other value, listing the allowed ones.
 */
function payloadEnum<T extends string>(
  payload: Readonly<Record<string, unknown>>,
  field: string,
  key: string,
  allowed: readonly T[],
  parse: (value: string) => T | undefined,
): T | undefined {
  const at = `${field}/${key}`;
  const value = payloadString(payload[key], at);
  if (value === undefined) return undefined;
  const parsed = parse(value);
  if (parsed === undefined) {
    throw new PayloadError(`${at} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`, at);
  }
  return parsed;
}

/** `payload.format`, or undefined when not set; a PayloadError naming `<field>/format` for a non-format. */
export function payloadFormat(
  payload: Readonly<Record<string, unknown>>,
  field: string,
): ResultFormat | undefined {
  return payloadEnum(payload, field, 'format', RESULT_FORMATS, parseFormat);
}

/**
 * `payload.aggregation`, or undefined when not set (each series then uses its own); a PayloadError
 * naming `<field>/aggregation` for a value that is not an aggregation.
 */
export function payloadAggregation(
  payload: Readonly<Record<string, unknown>>,
  field: string,
): Aggregation | undefined {
  return payloadEnum(payload, field, 'aggregation', AGGREGATIONS, (v) => (isAggregation(v) ? v : undefined));
}

export function aggregationOptions(): WireOption[] {
  return AGGREGATIONS.map((a) => ({ label: a, value: a }));
}

/** The formats a selection can be answered in: tables have no time series shape. */
export function formatOptions(selection: Selection): WireOption[] {
  const formats = selection.series.length > 0 ? RESULT_FORMATS : (['table', 'frames'] as const);
  return formats.map((f) => ({ label: FORMAT_LABELS[f], value: f }));
}

/** The `aggregation` select, for selections holding time series; its placeholder names the default. */
export function aggregationField(selection: Selection): WirePayloadField | undefined {
  const own = [...new Set(selection.series.map((s) => s.aggregation))];
  if (own.length === 0) return undefined;
  return {
    name: 'aggregation',
    label: 'Aggregation',
    type: 'select',
    placeholder: own.length === 1 ? `${own[0] as string} (default)` : 'per-series default',
    width: 24,
    options: aggregationOptions(),
  };
}

/** The `format` select; its placeholder names what an unset format gives. */
export function formatField(selection: Selection): WirePayloadField {
  return {
    name: 'format',
    label: 'Format',
    type: 'select',
    placeholder: selection.series.length > 0 ? 'Time series (default)' : 'Table (default)',
    width: 24,
    options: formatOptions(selection),
  };
}
