/** Renders a rejected input for an error message, short enough to show on a Grafana panel. */

const MAX_LENGTH = 80;

/**
 * Strings are quoted (so `""` and `" 5m"` stay visible), numbers are printed as-is (`NaN`, `Infinity`),
 * anything else as JSON or its type; long renderings are cut with an ellipsis.
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    text = JSON.stringify(value);
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    text = String(value);
  } else if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    text = typeof value;
  } else {
    try {
      text = JSON.stringify(value) ?? typeof value;
    } catch {
      text = typeof value;
    }
  }
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
