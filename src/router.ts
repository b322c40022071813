import { type RequestHandler, Router } from 'express';
import { compileSchemas } from './contract/schemas';
import { authMiddleware } from './http/auth';
import { jsonBody } from './http/body';
import type { EndpointContext } from './http/context';
import { corsMiddleware } from './http/cors';
import { annotations } from './http/endpoints/annotations';
import { metricPayloadOptions, metrics } from './http/endpoints/metrics';
import { query } from './http/endpoints/query';
import { root } from './http/endpoints/root';
import { search } from './http/endpoints/search';
import { tagKeys, tagValues } from './http/endpoints/tags';
import { variable } from './http/endpoints/variable';
import { errorHandler, methodNotAllowed, notFound } from './http/errors';
import { inFlightLimit, maxTargets, requestTimeout } from './http/limits';
import { requestLog } from './http/request-log';
import { type AppOptions, resolveOptions } from './options';
import type { Registry } from './registry/registry';

/** A registry, or a function returning the current one (so a reload can swap it whole). */
export type RegistrySource = Registry | (() => Registry);

/**
 * The whole SimpleJSON contract as an Express router, to mount under any path of an existing app:
 * `app.use('/grafana', createRouter(registry))`. It carries its own CORS, body parsing, 404 and JSON
 * error handling, so nothing of the host app leaks into the contract.
 */
export function createRouter(registry: RegistrySource, options: AppOptions = {}): Router {
  compileSchemas(); // a broken schema stops here, at boot, not on the first request
  const resolved = resolveOptions(options);
  const ctx: EndpointContext = {
    registry: typeof registry === 'function' ? registry : () => registry,
    options: resolved,
  };
  const router = Router();
  // Order matters: log everything, answer preflights before auth, refuse strangers before they take a slot.
  for (const guard of [
    requestLog(resolved.logger),
    corsMiddleware(resolved.cors),
    authMiddleware(resolved.auth),
    inFlightLimit(resolved.maxInFlight),
    requestTimeout(resolved.requestTimeout),
  ]) {
    if (guard !== undefined) router.use(guard);
  }
  router.get('/', root(ctx));
  router.all('/', methodNotAllowed('GET, HEAD, OPTIONS'));
  const post = (path: string, ...handlers: RequestHandler[]) => {
    router.post(path, ...jsonBody(resolved.bodyLimit), ...handlers);
    router.all(path, methodNotAllowed('POST, OPTIONS'));
  };
  post('/search', search(ctx));
  post('/query', maxTargets(resolved.maxTargets), query(ctx));
  post('/annotations', annotations(ctx));
  post('/tag-keys', tagKeys(ctx));
  post('/tag-values', tagValues(ctx));
  post('/metrics', metrics(ctx));
  post('/metric-payload-options', metricPayloadOptions(ctx));
  post('/variable', variable(ctx));
  router.use(notFound);
  router.use(errorHandler(resolved.logger));
  return router;
}
