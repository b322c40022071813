/**
 * The payload fields metrics declare (registry/payloads.ts) as the builder sees them, and the values a
 * /query target sends for them: a `select` or `multi-select` value must name one of the options (a
 * regex-interpolated variable may name several for a multi-select), and a `select` option may carry a
 * value transform (`scale`, `offset`, `unit`) that is applied to the series.
 */
import { PatternError, PayloadError } from '../../errors';
import type { PayloadFieldDefinition, PayloadOptionDefinition } from '../../registry/payloads';
import type { Metric } from '../../registry/types';
import { type MatchOptions, matchTarget } from '../../series/match';
import type { Selection } from '../selection';
import { payloadString, payloadStrings } from './values';
import type { WireOption, WirePayloadField } from '../../contract/responses';

/** A linear value transform of a time series, chosen by a `select` option. */
export interface SeriesTransform {
  readonly scale: number;
  readonly offset: number;
  /** Replaces the metric's unit when set. */
  readonly unit: string | undefined;
}

/** The declared fields of a selection by name; when several metrics declare a name, the first wins. */
export function declaredFields(selection: Selection): Map<string, PayloadFieldDefinition> {
  const fields = new Map<string, PayloadFieldDefinition>();
  for (const metric of [...selection.series, ...selection.tables]) {
    for (const field of metric.payloads ?? []) if (!fields.has(field.name)) fields.set(field.name, field);
  }
  return fields;
}

export function optionsOf(field: PayloadFieldDefinition): WireOption[] {
  return (field.options ?? []).map((o) => ({ label: o.label ?? o.value, value: o.value }));
}

/** A declared field for the builder: its options without the server-side transform properties. */
export function toWireField(field: PayloadFieldDefinition): WirePayloadField {
  const out: WirePayloadField = {
    name: field.name,
    label: field.label ?? field.name,
    type: field.type ?? 'input',
  };
  if (field.options !== undefined) out.options = optionsOf(field);
  if (field.placeholder !== undefined) out.placeholder = field.placeholder;
  if (field.width !== undefined) out.width = field.width;
  if (field.reloadMetric !== undefined) out.reloadMetric = field.reloadMetric;
  return out;
}

/**
 * The options `values` designate: each value is an option value, or (as Grafana regex-interpolates
 * builder values) an escaped value or an alternation of values.
 */
function chosenOptions(
  field: PayloadFieldDefinition,
  values: readonly string[],
  at: string,
  opts: MatchOptions,
): PayloadOptionDefinition[] {
  const options = field.options ?? [];
  const allowed = options.map((o) => o.value);
  const chosen = new Set<string>();
  for (const value of values) {
    let matched: string[];
    try {
      matched = matchTarget(value, allowed, { ...opts, field: at });
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      matched = [];
    }
    if (matched.length === 0) {
      throw new PayloadError(
        `${at} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(value)}`,
        at,
      );
    }
    for (const m of matched) chosen.add(m);
  }
  return options.filter((o) => chosen.has(o.value));
}

/**
 * Checks the values `payload` sends for the fields `metric` declares and returns the transform its
 * `select` options ask for (the first one, in declaration order), if any. Input and textarea values are
 * free text and only need to be text.
 *
 * @throws PayloadError naming `<field>/<name>` for a value that is not an option, or a `select` given
 *   several values.
 */
export function checkDeclared(
  metric: Metric,
  payload: Readonly<Record<string, unknown>>,
  field: string,
  opts: MatchOptions = {},
): SeriesTransform | undefined {
  let transform: SeriesTransform | undefined;
  for (const declared of metric.payloads ?? []) {
    if (!Object.hasOwn(payload, declared.name)) continue;
    const at = `${field}/${declared.name}`;
    const raw = payload[declared.name];
    const type = declared.type ?? 'input';
    if (type === 'input' || type === 'textarea') {
      payloadStrings(raw, at);
      continue;
    }
    const value = type === 'select' ? payloadString(raw, at) : undefined;
    const values = type === 'select' ? (value === undefined ? [] : [value]) : payloadStrings(raw, at);
    const chosen = chosenOptions(declared, values, at, opts);
    if (type === 'select' && chosen.length > 1) {
      throw new PayloadError(
        `${at} must name one option; ${JSON.stringify(value)} names ${chosen.length}`,
        at,
      );
    }
    const option = chosen[0];
    if (
      transform === undefined &&
      type === 'select' &&
      option !== undefined &&
      metric.kind === 'timeseries'
    ) {
      transform = transformOf(option);
    }
  }
  return transform;
}

function transformOf(option: PayloadOptionDefinition): SeriesTransform | undefined {
  if (option.scale === undefined && option.offset === undefined && option.unit === undefined)
    return undefined;
  return { scale: option.scale ?? 1, offset: option.offset ?? 0, unit: option.unit };
}
