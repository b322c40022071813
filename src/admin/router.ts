/**
 * The admin API under `/admin/`: installed only when an admin token is configured (404 otherwise), behind
 * its own token (src/admin/auth.ts), without CORS (a browser page cannot call it). Routes only map HTTP
 * to AdminControl.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { AppError } from '../errors';
import { errorHandler, methodNotAllowed, notFound } from '../http/errors';
import { jsonBody } from '../http/body';
import type { Logger } from '../http/options';
import { sendJson } from '../http/reply';
import type { FaultSpec } from '../runtime/faults';
import type { JournalFilter } from '../runtime/journal';
import { parseTime } from '../time/parse';
import type { Clock } from '../time/clock';
import { adminGuard, type ControlTokens } from './auth';
import type { AdminControl, DefinitionKind } from './control';

/** Fixture documents can be large (stored points); the admin API reads up to this. */
export const ADMIN_BODY_LIMIT = '64mb';

function optionalTime(req: Request, name: string, clock: Clock): number | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new AppError('INVALID_TIME', `${name} must be given once`, { field: `query/${name}` });
  return parseTime(/^-?\d+$/.test(value) ? Number(value) : value, clock, `query/${name}`);
}

function optionalLimit(req: Request): number | undefined {
  const value = req.query.limit;
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1))
    throw new AppError('INVALID_BODY', 'limit must be a whole number >= 1', { field: 'query/limit' });
  return n;
}

function optionalString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function adminRouter(
  control: AdminControl,
  tokens: ControlTokens,
  logger: Logger,
  clock: Clock,
): Router {
  const router = Router();
  router.use(adminGuard(tokens));
  const body = jsonBody(ADMIN_BODY_LIMIT);
  const route = (
    path: string,
    methods: Partial<Record<'get' | 'put' | 'post' | 'delete', RequestHandler>>,
  ) => {
    for (const [method, handler] of Object.entries(methods)) {
      if (method === 'get' || method === 'delete') router[method](path, handler);
      else router[method as 'put' | 'post'](path, ...body, handler);
    }
    router.all(
      path,
      methodNotAllowed(
        Object.keys(methods)
          .map((m) => m.toUpperCase())
          .join(', '),
      ),
    );
  };

  route('/', {
    get: (_req, res) =>
      sendJson(res, {
        registry: '/admin/registry',
        reset: '/admin/reset',
        requests: control.journal === undefined ? null : '/admin/requests',
        faults: control.faults === undefined ? null : '/admin/faults',
        write: '/write',
      }),
  });
  route('/registry', {
    get: (_req, res) => sendJson(res, control.loaded()),
    put: async (req, res) => sendJson(res, await control.replace(req.body)),
    post: async (req, res) => sendJson(res, await control.merge(req.body)),
  });
  route('/reset', { post: async (_req, res) => sendJson(res, await control.reset()) });
  const put =
    (kind: DefinitionKind): RequestHandler =>
    async (req, res) =>
      sendJson(res, await control.put(kind, req.body, req.params.name as string));
  route('/series/:name', { put: put('series') });
  route('/tables/:name', { put: put('tables') });
  route('/metrics/:name', {
    get: (req, res) => sendJson(res, control.metric(req.params.name as string)),
    delete: async (req, res) => sendJson(res, await control.removeMetric(req.params.name as string)),
  });
  route('/annotations/:name', {
    put: put('annotations'),
    delete: async (req, res) => sendJson(res, await control.removeAnnotationSet(req.params.name as string)),
  });
  route('/requests', {
    get: (req, res) => {
      const filter: { -readonly [K in keyof JournalFilter]: JournalFilter[K] } = {};
      const path = optionalString(req, 'path');
      const method = optionalString(req, 'method');
      const since = optionalTime(req, 'since', clock);
      const until = optionalTime(req, 'until', clock);
      const limit = optionalLimit(req);
      if (path !== undefined) filter.path = path;
      if (method !== undefined) filter.method = method.toUpperCase();
      if (since !== undefined) filter.since = since;
      if (until !== undefined) filter.until = until;
      if (limit !== undefined) filter.limit = limit;
      sendJson(res, { requests: control.requests(filter) });
    },
    delete: (_req, res) => sendJson(res, { cleared: control.clearRequests() }),
  });
  route('/faults', {
    get: (_req, res) => sendJson(res, { faults: control.listFaults() }),
    post: (req, res) => {
      const fault = control.addFault(req.body as FaultSpec);
      res.status(201);
      res.setHeader('Location', `/admin/faults/${encodeURIComponent(fault.id)}`);
      res.json(fault);
    },
    delete: (_req, res) => sendJson(res, { cleared: control.clearFaults() }),
  });
  route('/faults/:id', {
    delete: (req, res) => {
      const id = req.params.id as string;
      if (!control.removeFault(id))
        throw new AppError('NOT_FOUND', `no fault ${JSON.stringify(id)}`, { field: 'id' });
      sendJson(res, { removed: id });
    },
  });
  router.use(notFound);
  router.use(errorHandler(logger));
  return router;
}
