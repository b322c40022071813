import { REQUEST_SCHEMAS, type SearchRequest } from '../../contract/requests';
import { parseVariableQuery } from '../../metadata/variable/parse';
import { evaluateVariableQuery } from '../../metadata/variable/evaluate';
import { catalogOfQuery } from '../../metadata/catalog';
import { hasCatalogs } from '../../sources/catalogs';
import { type EndpointContext, RequestScope, validated } from '../context';
import { AnswerMemo } from '../memo';
import { sendJsonBytes, sendJsonText } from '../reply';
import type { Registry } from '../../registry/registry';
import type { EvaluateOptions } from '../../metadata/variable/evaluate';

type VariableCatalog = NonNullable<EvaluateOptions['catalog']>;

/**
 * `POST /search {target}` (legacy; simpod ≤ 0.5): metric names for the dropdown, and template variable
 * values through the variable query syntax (`label_values(City)`, query/variable/parse.ts). A value with a
 * different display text is answered as `{text, value}` (both non-empty, so the legacy client's
 * `mapToTextValue` keeps them), the others as plain strings. A plain search also lists the annotation
 * sets it finds, after the metrics, as `{text: "deploys (annotations)", value: "deploys"}`; the variable
 * functions do not. simpod 0.2.6-0.3 Raw JSON variable queries post the user's object, read through its
 * `query` when it has no `target`. Answers are remembered per registry revision (http/memo.ts); with
 * providers, per view of the registry (sources/providers.ts), never when a label catalog was asked.
 */
export function search(ctx: EndpointContext) {
  const memo = new AnswerMemo();
  return validated<SearchRequest>(REQUEST_SCHEMAS.search, (body, res, req) => {
    const field = body.target === undefined && body.query !== undefined ? 'body/query' : 'body/target';
    const text = body.target ?? body.query ?? '';
    const key = `${field}\u0000${text}`;
    const registry = ctx.registry();
    const answer = (view: Registry, catalog?: VariableCatalog) =>
      JSON.stringify(
        evaluateVariableQuery(view, parseVariableQuery(text, field), {
          field,
          ...ctx.patterns,
          annotationSets: true,
          ...(catalog === undefined ? {} : { catalog }),
        }).map((v) => (v.text === v.value || v.text === '' ? v.value : { text: v.text, value: v.value })),
      );
    if (registry.providers().length === 0) {
      // Answers that used a label catalog are never kept, so a kept one is always good to send.
      const kept = memo.peek(registry, key);
      if (kept !== undefined) return sendJsonBytes(res, kept);
    }
    if (registry.providers().length === 0 && !hasCatalogs(registry.metrics())) {
      sendJsonBytes(
        res,
        memo.bytes(registry, key, () => answer(registry)),
      );
      return undefined;
    }
    return (async () => {
      const scope = new RequestScope(ctx, req, res);
      const view = await scope.registry();
      const catalog = await catalogOfQuery(view, parseVariableQuery(text, field), scope, ctx.patterns);
      // A catalog's values may change at any time: only answers without them are kept (per view, which
      // is a new object whenever a provider's list changed).
      if (catalog !== undefined) sendJsonText(res, answer(view, catalog));
      else
        sendJsonBytes(
          res,
          memo.bytes(view, key, () => answer(view)),
        );
    })();
  });
}
