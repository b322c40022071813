import type { Registry } from '../registry/registry';
import { searchNames } from '../series/match';

/**
 * Metric names for the editor dropdown and template variables, narrowed by the typed text.
 * A metric with a display name is answered as `{text, value}` (both non-empty, so the legacy client's
 * `mapToTextValue` keeps them), the others as plain strings.
 */
export function searchMetrics(
  registry: Registry,
  query: string,
  options: { maxPatternLength?: number } = {},
): Array<string | { text: string; value: string }> {
  const opts = options.maxPatternLength === undefined ? {} : { maxPatternLength: options.maxPatternLength };
  return searchNames(query.trim(), registry.names(), opts).map((name) => {
    const display = registry.get(name)?.displayName;
    return display === undefined || display === '' ? name : { text: display, value: name };
  });
}
