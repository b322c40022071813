import type { RequestHandler } from 'express';
import type { EndpointContext } from '../context';
import { AnswerMemo } from '../memo';
import { sendJsonBytes } from '../reply';

/**
 * `GET /` and `HEAD /`: the data source's "Save & test". Both clients count only status 200 as success
 * (legacy tests `{url}/`, simpod `{url}` with no slash; both reach this route). Probes call it every
 * few seconds: the answer is kept per registry revision (http/memo.ts).
 */
export function root(ctx: EndpointContext): RequestHandler {
  const memo = new AnswerMemo();
  return (_req, res) => {
    const registry = ctx.registry();
    const answer = memo.bytes(registry, '', () =>
      JSON.stringify({
        status: 'ok',
        name: 'simplejson-server',
        metrics: registry.size,
        annotationSets: registry.annotationSets().length,
      }),
    );
    sendJsonBytes(res, answer);
  };
}
