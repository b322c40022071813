import { REQUEST_SCHEMAS, type VariableRequest } from '../../contract/requests';
import { ValidationError } from '../../errors';
import { parseVariableQuery } from '../../metadata/variable/parse';
import { evaluateVariableQuery } from '../../metadata/variable/evaluate';
import { resolveRange } from '../../time/range';
import { catalogOfQuery } from '../../metadata/catalog';
import { type EndpointContext, RequestScope, validated } from '../context';
import { sendJson } from '../reply';

/**
 * `POST /variable {payload, range}` (JSON data source ≥ 0.4) → `[{__text, __value}]`, the only list form
 * the client reads as text/value pairs (`{text, value}` would give two options per row, docs/client-contract.md §3.5).
 * The query is `payload.target` (Raw JSON off) or the Raw JSON object's `query` or `target`.
 */
export function variable(ctx: EndpointContext) {
  return validated<VariableRequest>(REQUEST_SCHEMAS.variable, async (body, res, req) => {
    const { payload } = body;
    const name = payload.target !== undefined ? 'target' : payload.query !== undefined ? 'query' : undefined;
    if (name === undefined) {
      throw new ValidationError(
        'body/payload/target is required: send {"target": "<query>"}, or with Raw JSON {"query": "<query>"}',
        'body/payload/target',
      );
    }
    const field = `body/payload/${name}`;
    const range =
      body.range === undefined ? undefined : resolveRange(body.range, undefined, ctx.options.clock);
    const query = parseVariableQuery(payload[name] ?? '', field);
    const scope = new RequestScope(ctx, req, res);
    const registry = await scope.registry();
    const catalog = await catalogOfQuery(registry, query, scope, ctx.patterns);
    const values = evaluateVariableQuery(registry, query, {
      field,
      ...ctx.patterns,
      ...(range === undefined ? {} : { range }),
      ...(catalog === undefined ? {} : { catalog }),
    });
    sendJson(
      res,
      values.map((v) => ({ __text: v.text, __value: v.value })),
    );
  });
}
