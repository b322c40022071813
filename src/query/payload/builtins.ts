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
 * `payload.format`, or undefined when not set.
 *
 * @throws PayloadError naming `<field>/format` for a value that is not a format.
 */
export function payloadFormat(
  payload: Readonly<Record<string, unknown>>,
  field: string,
): ResultFormat | undefined {
  const at = `${field}/format`;
  const value = payloadString(payload.format, at);
  if (value === undefined) return undefined;
  const format = parseFormat(value);
  if (format === undefined) {
    throw new PayloadError(
      `${at} must be one of ${RESULT_FORMATS.join(', ')}; got ${JSON.stringify(value)}`,
      at,
    );
  }
  return format;
}

/**
 * `payload.aggregation`, or undefined when not set (each series then uses its own).
 *
 * @throws PayloadError naming `<field>/aggregation` for a value that is not an aggregation.
 */
export function payloadAggregation(
  payload: Readonly<Record<string, unknown>>,
  field: string,
): Aggregation | undefined {
  const at = `${field}/aggregation`;
  const value = payloadString(payload.aggregation, at);
  if (value === undefined) return undefined;
  if (!isAggregation(value)) {
    throw new PayloadError(
      `${at} must be one of ${AGGREGATIONS.join(', ')}; got ${JSON.stringify(value)}`,
      at,
    );
  }
  return value;
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
