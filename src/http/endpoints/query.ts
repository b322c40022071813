import { REQUEST_SCHEMAS, type QueryRequest } from '../../contract/requests';
import { answerAnnotationQuery, isAnnotationQuery } from '../../query/native-annotations';
import { normalizeQuery } from '../../query/normalize';
import { encodeResults } from '../../query/encode';
import { encodeRows } from '../../query/rows';
import { runQuery } from '../../query/run';
import { type EndpointContext, validated } from '../context';
import { sendJson, sendJsonText } from '../reply';

/**
 * `POST /query`: validate → resolve targets → slice → downsample → filter → serialize (src/query).
 * An annotation query of the JSON data source (refId `Anno`, `scopedVars.__annotation`) is answered with
 * the annotation events instead (query/native-annotations.ts).
 */
export function query(ctx: EndpointContext) {
  return validated<QueryRequest>(REQUEST_SCHEMAS.query, (body, res) => {
    const { clock, defaultMaxDataPoints, maxDataPointsCeiling } = ctx.options;
    if (isAnnotationQuery(body)) {
      sendJson(res, answerAnnotationQuery(ctx.registry(), body, clock, ctx.patterns));
      return;
    }
    const plan = normalizeQuery(body, clock, { defaultMaxDataPoints, maxDataPointsCeiling });
    // The same bytes as JSON.stringify(serializeResults(…)), built without per-point arrays (docs/benchmarks.md).
    const results = runQuery(ctx.registry(), plan, ctx.patterns);
    const json = plan.rows ? encodeRows(results) : encodeResults(results);
    sendJsonText(res, json);
  });
}
