import type { RequestHandler } from 'express';
import { AppError } from '../../errors';
import type { HealthCheck, Registry } from '../../registry/registry';
import type { EndpointContext } from '../context';
import { sendError } from '../errors';
import { AnswerMemo } from '../memo';
import { sendJsonBytes } from '../reply';

/** A check's result is kept this long: Grafana and probes call GET / often, a database need not answer each. */
export const HEALTH_TTL_MS = 5000;
/** Longest one check may take before it counts as not answering. */
export const HEALTH_TIMEOUT_MS = 2000;

interface Checked {
  readonly at: number;
  /** The first check that failed, or undefined when all answered. */
  readonly result: Promise<AppError | undefined>;
  /** Set once `result` settled: null when every check answered (the answer then goes out at once). */
  failure?: AppError | null;
}

/** Runs every check at once, each bounded by HEALTH_TIMEOUT_MS; answers the first failure, in check order. */
async function runChecks(checks: readonly HealthCheck[]): Promise<AppError | undefined> {
  const failures = await Promise.all(
    checks.map((c) =>
      c.check(AbortSignal.timeout(HEALTH_TIMEOUT_MS)).then(
        () => undefined,
        (err: unknown) =>
          err instanceof AppError
            ? err
            : new AppError('SOURCE_FAILED', `${c.name} does not answer: ${(err as Error).message}`),
      ),
    ),
  );
  return failures.find((f) => f !== undefined);
}

/**
 * `GET /` and `HEAD /`: the data source's "Save & test". Both clients count only status 200 as success
 * (legacy tests `{url}/`, simpod `{url}` with no slash; both reach this route), and show `message`
 * otherwise. With declared databases (the registry's health checks) it answers ok only when each answers
 * (results kept 5 s): a database that does not answers its error, naming it (DATABASE_UNAVAILABLE 503,
 * DATABASE_TIMEOUT 504), so Save & test tells the user. Without checks the answer is kept per registry
 * revision (http/memo.ts). The container health check asks `/healthz` instead (below).
 */
export function root(ctx: EndpointContext): RequestHandler {
  const memo = new AnswerMemo();
  const checked = new WeakMap<Registry, Checked>();
  const summary = (registry: Registry) => ({
    status: 'ok',
    name: 'simplejson-server',
    metrics: registry.size,
    annotationSets: registry.annotationSets().length,
  });
  return (_req, res, next) => {
    const registry = ctx.registry();
    const checks = registry.healthChecks();
    if (checks.length === 0) {
      sendJsonBytes(
        res,
        memo.bytes(registry, '', () => JSON.stringify(summary(registry))),
      );
      return;
    }
    const now = ctx.options.clock();
    let state = checked.get(registry);
    if (state === undefined || now - state.at >= HEALTH_TTL_MS) {
      const fresh: Checked = { at: now, result: runChecks(checks) };
      fresh.result.then(
        (failure) => (fresh.failure = failure ?? null),
        () => undefined,
      );
      checked.set(registry, fresh);
      state = fresh;
    }
    const healthy = () =>
      memo.bytes(registry, 'checks ok', () =>
        JSON.stringify({
          ...summary(registry),
          checks: Object.fromEntries(checks.map((c) => [c.name, 'ok'])),
        }),
      );
    // Probes call this every few seconds: with the checks known to pass, no promise is awaited.
    if (state.failure === null) return sendJsonBytes(res, healthy());
    state.result.then((failure) => {
      if (failure !== undefined) sendError(res, failure);
      else sendJsonBytes(res, healthy());
    }, next);
  };
}

const ALIVE = Buffer.from(JSON.stringify({ status: 'ok', name: 'simplejson-server' }));

/**
 * `GET /healthz`: the process serves. It checks no database, so the container health check (which asks
 * this) never restarts a server because a database it reads is down; Save & test (GET /) reports that.
 */
export function liveness(): RequestHandler {
  return (_req, res) => sendJsonBytes(res, ALIVE);
}
