import { REQUEST_SCHEMAS, type SearchRequest } from '../../contract/requests';
import { parseVariableQuery } from '../../metadata/variable/parse';
import { evaluateVariableQuery } from '../../metadata/variable/evaluate';
import { type EndpointContext, validated } from '../context';
import { AnswerMemo } from '../memo';
import { sendJsonBytes } from '../reply';

/**
 * `POST /search {target}` (legacy; simpod ≤ 0.5): metric names for the dropdown, and template variable
 * values through the variable query syntax (`label_values(City)`, query/variable/parse.ts). A value with a
 * different display text is answered as `{text, value}` (both non-empty, so the legacy client's
 * `mapToTextValue` keeps them), the others as plain strings. A plain search also lists the annotation
 * sets it finds, after the metrics, as `{text: "deploys (annotations)", value: "deploys"}`; the variable
 * functions do not. simpod 0.2.6-0.3 Raw JSON variable queries post the user's object, read through its
 * `query` when it has no `target`. Answers are remembered per registry revision (http/memo.ts).
 */
export function search(ctx: EndpointContext) {
  const memo = new AnswerMemo();
  return validated<SearchRequest>(REQUEST_SCHEMAS.search, (body, res) => {
    const field = body.target === undefined && body.query !== undefined ? 'body/query' : 'body/target';
    const text = body.target ?? body.query ?? '';
    const registry = ctx.registry();
    const answer = memo.bytes(registry, `${field}\u0000${text}`, () => {
      const values = evaluateVariableQuery(registry, parseVariableQuery(text, field), {
        field,
        ...ctx.patterns,
        annotationSets: true,
      });
      return JSON.stringify(
        values.map((v) => (v.text === v.value || v.text === '' ? v.value : { text: v.text, value: v.value })),
      );
    });
    sendJsonBytes(res, answer);
  });
}
