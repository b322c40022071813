import type { QueryRequest } from '../../contract/types';
import { normalizeQuery } from '../../query/normalize';
import { runQuery } from '../../query/run';
import { serializeResults } from '../../query/serialize';
import { type EndpointContext, patternOptions, validated } from '../context';

/** `POST /query`: validate → resolve targets → slice → downsample → filter → serialize (src/query). */
export function query(ctx: EndpointContext) {
  return validated<QueryRequest>('query.json', (body, res) => {
    const { clock, defaultMaxDataPoints, maxDataPointsCeiling } = ctx.options;
    const plan = normalizeQuery(body, clock, { defaultMaxDataPoints, maxDataPointsCeiling });
    res.json(serializeResults(runQuery(ctx.registry(), plan, patternOptions(ctx))));
  });
}
