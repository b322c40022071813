import type { SearchRequest } from '../../contract/types';
import { searchMetrics } from '../../query/search';
import { type EndpointContext, patternOptions, validated } from '../context';

/** `POST /search {target}` → metric names (strings, or `{text, value}` for metrics with a display name). */
export function search(ctx: EndpointContext) {
  return validated<SearchRequest>('search.json', (body, res) => {
    res.json(searchMetrics(ctx.registry(), body.target ?? '', patternOptions(ctx)));
  });
}
