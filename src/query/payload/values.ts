/**
 * Reading single payload values. Builder mode sends strings and string arrays (every value goes through
 * Grafana's regex interpolation, docs/client-contract.md §3.3); code mode sends whatever JSON the user wrote. Both are
 * read the same way here: a primitive is its text, an empty string or array means "not set".
 */
import { PayloadError } from '../../errors';

/** A primitive as text; anything else is refused, naming `field`. */
function text(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new PayloadError(
    `${field} must be a string or a list of strings, got ${JSON.stringify(value)}`,
    field,
  );
}

/**
 * A multi-valued payload entry as a list of non-empty strings: `"a"` → `["a"]`, `["a", ""]` → `["a"]`,
 * `""`, `[]`, `null` and absent → `[]`.
 *
 * @throws PayloadError naming `field` for an object or a nested array.
 */
export function payloadStrings(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .map((item, i) => text(item, Array.isArray(value) ? `${field}/${i}` : field))
    .filter((s) => s !== '');
}

/**
 * A single-valued payload entry: undefined when not set; a list is accepted when it holds one value (a
 * multi-value variable with one value selected).
 *
 * @throws PayloadError naming `field` for several values, an object, or a nested array.
 */
export function payloadString(value: unknown, field: string): string | undefined {
  const values = payloadStrings(value, field);
  if (values.length > 1) {
    throw new PayloadError(`${field} takes one value, got ${JSON.stringify(value)}`, field);
  }
  return values[0];
}

/** The payload entries of `payload` by name, own keys only (a key such as `__proto__` is just a key). */
export function payloadEntries(payload: Readonly<Record<string, unknown>>): Array<[string, unknown]> {
  return Object.keys(payload).map((key) => [key, payload[key]]);
}
