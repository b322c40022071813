/**
 * What one /query target's payload asks for, read and checked once before its metrics are read:
 * `aggregation` and `format` (built in), label selection (selectors.ts) and the fields its metrics declare
 * (declared.ts). Every error names the payload entry: `body/targets/2/payload/aggregation`.
 */
import type { TimeSeriesMetric } from '../../registry/types';
import type { MatchOptions } from '../../series/match';
import type { Aggregation, Columns } from '../../series/types';
import type { Selection } from '../selection';
import { payloadAggregation, payloadFormat, type ResultFormat } from './builtins';
import { checkDeclared, type SeriesTransform } from './declared';
import { compileSelectors, type Selectors } from './selectors';

export interface TargetChoices {
  /** Overrides every series' own aggregation when set. */
  readonly aggregation: Aggregation | undefined;
  /** The payload's format; the target's `format`/`type` apply when it is not set. */
  readonly format: ResultFormat | undefined;
  readonly selectors: Selectors;
  /** The transform a series' declared `select` fields ask for. */
  transformOf(metric: TimeSeriesMetric): SeriesTransform | undefined;
}

/**
 * Reads a target's payload against the metrics it selects. `field` names the payload
 * (`body/targets/<i>/payload`).
 *
 * @throws PayloadError for an unknown aggregation or format, a value that is not text, a declared
 *   select value that is not an option, or a selector `/regex/` that does not compile.
 */
export function readChoices(
  payload: Readonly<Record<string, unknown>>,
  selection: Selection,
  field: string,
  opts: MatchOptions = {},
): TargetChoices {
  const transforms = new Map<string, SeriesTransform>();
  for (const metric of [...selection.series, ...selection.tables]) {
    const transform = checkDeclared(metric, payload, field, opts);
    if (transform !== undefined) transforms.set(metric.name, transform);
  }
  return {
    aggregation: payloadAggregation(payload, field),
    format: payloadFormat(payload, field),
    selectors: compileSelectors(payload, selection, field, opts),
    transformOf: (metric) => transforms.get(metric.name),
  };
}

/** `value × scale + offset` for every point; gaps (NaN) stay gaps. The input is not changed. */
export function transformColumns(points: Columns, transform: SeriesTransform): Columns {
  const values = new Float64Array(points.values.length);
  for (let i = 0; i < values.length; i++) {
    values[i] = (points.values[i] as number) * transform.scale + transform.offset;
  }
  return { times: points.times, values };
}
