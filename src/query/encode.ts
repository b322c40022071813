/**
 * The /query response body as a string, built directly from the columns: byte-identical to
 * `JSON.stringify(serializeResults(results))` but without the per-point `[value, time]` arrays that
 * serializeResults allocates (2 × maxDataPoints small arrays per series, then walked again by stringify).
 *
 * Only the datapoints are written here. Everything else of a series (target, refId, tags, unit, meta and
 * any field added later) comes from serializeResults itself, applied to the series without its points,
 * and the datapoints are spliced into its `"datapoints":[]`. So serialize.ts stays the one definition of
 * the wire shape, and a result kind this file does not know is stringified whole, as before.
 */
import type { Columns } from '../series/types';
import type { QueryResult } from './run';
import { serializeResults } from './serialize';

const EMPTY: Columns = { times: new Float64Array(0), values: new Float64Array(0) };
const EMPTY_POINTS = '"datapoints":[]';

const ZEROS = '00000000';
const TEN_TO_8 = 1e8;
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * A number as JSON.stringify writes it: shortest round-trip form, `null` for NaN and ±Infinity.
 * Integers from 1e8 to 2^53 (epoch-millisecond timestamps) are written as two small-integer halves:
 * V8 converts a large integer double to text about 3× slower than two small integers, and every
 * datapoint carries one such timestamp. The text is the same digits (no exponent below 1e21).
 */
export function jsonNumber(n: number): string {
  // n - n is 0 exactly for finite n (NaN for NaN and ±Infinity); String(-0) is "0", like JSON.
  if (n - n !== 0) return 'null';
  if (n >= TEN_TO_8 && n <= SAFE && n % 1 === 0) {
    const low = n % TEN_TO_8; // exact for integers
    const digits = `${low}`;
    return `${(n - low) / TEN_TO_8}${ZEROS.slice(digits.length)}${digits}`;
  }
  return `${n}`;
}

/** `[[value,time],…]` for the columns, as one string. */
export function encodeDatapoints(points: Columns): string {
  const { times, values } = points;
  const n = times.length;
  if (n === 0) return '[]';
  let out = `[[${jsonNumber(values[0] as number)},${jsonNumber(times[0] as number)}]`;
  for (let i = 1; i < n; i++) {
    out += `,[${jsonNumber(values[i] as number)},${jsonNumber(times[i] as number)}]`;
  }
  return `${out}]`;
}

/** One element of the response array. */
function encodeResult(result: QueryResult): string {
  if (result.kind !== 'timeserie') return JSON.stringify(serializeResults([result])[0]);
  const shell = JSON.stringify(serializeResults([{ ...result, points: EMPTY }])[0]);
  // String values are escaped (`"` becomes `\"`), so the first match is the field itself.
  const at = shell.indexOf(EMPTY_POINTS);
  if (at === -1) return JSON.stringify(serializeResults([result])[0]);
  const split = at + EMPTY_POINTS.length - 2;
  return shell.slice(0, split) + encodeDatapoints(result.points) + shell.slice(split + 2);
}

/** The whole /query response body: a JSON array with one element per result, in order. */
export function encodeResults(results: readonly QueryResult[]): string {
  let out = '[';
  for (let i = 0; i < results.length; i++) {
    if (i > 0) out += ',';
    out += encodeResult(results[i] as QueryResult);
  }
  return `${out}]`;
}
