import { REQUEST_SCHEMAS, type QueryRequest } from '../../contract/requests';
import { answerAnnotationQuery, isAnnotationQuery } from '../../query/native-annotations';
import { normalizeQuery } from '../../query/normalize';
import { encodeResults } from '../../query/encode';
import { encodeRows } from '../../query/rows';
import { runQuery } from '../../query/run';
import { type JournalTarget, recordTargets } from '../../runtime/journal';
import { type EndpointContext, RequestScope, validated } from '../context';
import { sendJson, sendJsonText } from '../reply';

/**
 * `POST /query`: validate → resolve targets → read each metric's source → clip, bucket, filter what the
 * source did not → serialize (src/query). Sources get a signal that fires on timeout or disconnect.
 * An annotation query of the JSON data source (refId `Anno`, `scopedVars.__annotation`) is answered with
 * the annotation events instead (query/native-annotations.ts).
 * With a fault table, its metric and target rules act on each read (runtime/faults.ts); with a journal,
 * the names each target resolved to are recorded (runtime/journal.ts). Neither costs anything when off.
 */
export function query(ctx: EndpointContext) {
  return validated<QueryRequest>(REQUEST_SCHEMAS.query, async (body, res, req) => {
    const { clock, defaultMaxDataPoints, maxDataPointsCeiling } = ctx.options;
    if (isAnnotationQuery(body)) {
      const scope = new RequestScope(ctx, req, res);
      const registry = await scope.registry();
      sendJson(res, await answerAnnotationQuery(registry, body, clock, ctx.patterns, scope));
      return;
    }
    const plan = normalizeQuery(body, clock, { defaultMaxDataPoints, maxDataPointsCeiling });
    // The same bytes as JSON.stringify(serializeResults(…)), built without per-point arrays (docs/benchmarks.md).
    const scope = new RequestScope(ctx, req, res);
    const registry = await scope.registry();
    const { journal, faults } = ctx.options;
    const options = {
      ...ctx.patterns,
      // Made on first use: a request of stored and generated series only never needs one.
      get signal() {
        return scope.signal;
      },
      log: scope.log,
      faults: faults?.forQuery(req, res),
      connection: req.socket,
      onTargets:
        journal === undefined
          ? undefined
          : (targets: readonly JournalTarget[]) => recordTargets(res, targets),
    };
    const results = await runQuery(registry, plan, options);
    const json = plan.rows ? encodeRows(results) : encodeResults(results);
    sendJsonText(res, json);
  });
}
