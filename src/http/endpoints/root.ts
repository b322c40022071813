import type { RequestHandler } from 'express';
import type { EndpointContext } from '../context';
import { sendJson } from '../reply';

/**
 * `GET /` and `HEAD /`: the data source's "Save & test". Both clients count only status 200 as success
 * (legacy tests `{url}/`, simpod `{url}` with no slash; both reach this route).
 */
export function root(ctx: EndpointContext): RequestHandler {
  return (_req, res) => {
    const registry = ctx.registry();
    sendJson(res, {
      status: 'ok',
      name: 'simplejson-server',
      metrics: registry.size,
      annotationSets: registry.annotationSets().length,
    });
  };
}
