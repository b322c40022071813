import { type RequestHandler, Router } from 'express';
import { compileSchemas } from '../contract/schemas';
import { authMiddleware } from './auth';
import { jsonBody } from './body';
import { influxQueryStatement } from './influx-query';
import type { EndpointContext } from './context';
import { corsMiddleware } from './cors';
import { annotations } from './endpoints/annotations';
import { metricPayloadOptions, metrics } from './endpoints/metrics';
import { query } from './endpoints/query';
import { liveness, root } from './endpoints/root';
import { search } from './endpoints/search';
import { tagKeys, tagValues } from './endpoints/tags';
import { variable } from './endpoints/variable';
import { errorHandler, methodNotAllowed, notFound } from './errors';
import { inFlightLimit, maxTargets, requestTimeout } from './limits';
import { requestLog } from './request-log';
import { type AppOptions, resolveOptions } from './options';
import type { Registry } from '../registry/registry';
import { installUiApi, installUiShell, shellBeforeAuth } from '../ui/router';

/**
 * The guards every request passes, as one middleware: each one calls the next directly, which saves a
 * router layer (its path match and bookkeeping) per guard on every request (docs/benchmarks.md). An error
 * passed to `next` goes to the router's error handler as usual; a guard that answers stops the chain.
 */
function inSequence(guards: ReadonlyArray<RequestHandler | undefined>): RequestHandler {
  const chain = guards.filter((g): g is RequestHandler => g !== undefined);
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const guard = chain[i++];
      if (guard === undefined) return next();
      // A guard that throws is caught by the router's layer around this middleware, as before.
      void guard(req, res, step);
    };
    step();
  };
}

/** A registry, or a function returning the current one (so a reload can swap it whole). */
export type RegistrySource = Registry | (() => Registry);

/**
 * The whole SimpleJSON contract as an Express router, to mount under any path of an existing app:
 * `app.use('/grafana', createRouter(registry))`. It carries its own CORS, body parsing, 404 and JSON
 * error handling, so nothing of the host app leaks into the contract.
 */
export function createRouter(registry: RegistrySource, options: AppOptions = {}): Router {
  const router = Router();
  installContract(router, registry, options);
  return router;
}

/** What installContract needs of its target: Express's app and Router both have these. */
type Routes = Pick<Router, 'use' | 'get' | 'post' | 'all'>;

/**
 * Adds the whole contract (guards, routes, 404, error handler) to `router`: a Router of its own
 * (createRouter), or an app's own router (createApp), which saves a nested router on every request.
 */
export function installContract(router: Routes, registry: RegistrySource, options: AppOptions = {}): void {
  compileSchemas(); // a broken schema stops here, at boot, not on the first request
  const resolved = resolveOptions(options);
  const ctx: EndpointContext = {
    registry: typeof registry === 'function' ? registry : () => registry,
    options: resolved,
    patterns: { maxPatternLength: resolved.maxPatternLength },
  };
  // The explorer page's files, when a browser could not send the credentials to open it (src/ui/router.ts).
  const shellFirst = shellBeforeAuth(resolved.auth);
  const log = requestLog(resolved.logger);
  if (shellFirst) installUiShell(router, ctx, log);
  // Order matters: log and record everything, answer preflights before auth, refuse strangers before they
  // take a slot.
  router.use(
    inSequence([
      log,
      resolved.journal?.middleware(),
      corsMiddleware(resolved.cors),
      authMiddleware(resolved.auth),
      inFlightLimit(resolved.maxInFlight),
      requestTimeout(resolved.requestTimeout),
    ]),
  );
  // Endpoint faults act as the route's handler would: after the guards and the body (which the journal
  // then has), only on the methods the route answers.
  const faults = resolved.faults === undefined ? [] : [resolved.faults.middleware()];
  router.get('/', ...faults, root(ctx));
  router.all('/', methodNotAllowed('GET, HEAD, OPTIONS'));
  router.get('/healthz', ...faults, liveness());
  router.all('/healthz', methodNotAllowed('GET, HEAD, OPTIONS'));
  const post = (path: string, ...handlers: RequestHandler[]) => {
    // `/query` also answers Telegraf's CREATE DATABASE form (http/influx-query.ts) when it is not JSON.
    const bodyErrors = path === '/query' ? [influxQueryStatement] : [];
    router.post(path, ...jsonBody(resolved.bodyLimit), ...bodyErrors, ...faults, ...handlers);
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
  // The explorer page (src/ui): after every route of the contract, so no contract request reaches it.
  if (!shellFirst) installUiShell(router, ctx);
  installUiApi(router, ctx);
  router.use(notFound);
  router.use(errorHandler(resolved.logger));
}
