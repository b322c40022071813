import express, { type Express } from 'express';
import type { AdminControl } from '../admin/control';
import type { ControlTokens } from '../admin/auth';
import { adminRouter } from '../admin/router';
import { writeHandlers } from '../admin/write';
import { methodNotAllowed } from '../http/errors';
import { type AppOptions, resolveOptions } from '../http/options';
import { requestLog } from '../http/request-log';
import { installContract, type RegistrySource } from '../http/router';

export interface CreateAppOptions extends AppOptions {
  readonly registry: RegistrySource;
  /**
   * Runtime control over HTTP: `/admin/` when there is an admin token, `POST /write` (and InfluxDB's
   * `/ping`) when there is an admin or a write token. Neither is part of the Grafana contract: no CORS,
   * no Grafana auth, not in the request journal.
   */
  readonly control?: { readonly admin: AdminControl; readonly tokens: ControlTokens };
}

function installControl(app: Express, options: CreateAppOptions): void {
  const { control } = options;
  if (control === undefined) return;
  const { logger, clock } = resolveOptions(options);
  const log = requestLog(logger);
  const logged = log === undefined ? [] : [log];
  const { tokens, admin } = control;
  if (tokens.admin.length > 0) app.use('/admin', ...logged, adminRouter(admin, tokens, logger, clock));
  if (tokens.admin.length + tokens.write.length === 0) return;
  app.post('/write', ...logged, ...writeHandlers(admin, tokens, logger));
  app.all('/write', ...logged, methodNotAllowed('POST'));
  // InfluxDB's liveness check, which some writers call before they write.
  app.get('/ping', ...logged, (_req, res) => {
    res.setHeader('X-Influxdb-Version', 'simplejson-server');
    res.status(204).end();
  });
}

/** Builds the Express app serving the contract at `/`. It never listens: see startServer / server.ts. */
export function createApp(options: CreateAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: Grafana never revalidates, and hashing every answer costs a few percent of a request.
  app.set('etag', false);
  // Requests reach us with and without a trailing slash depending on the client and the data source URL.
  app.set('strict routing', false);
  installControl(app, options);
  installContract(app, options.registry, options);
  return app;
}
