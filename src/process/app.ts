import express, { type Express } from 'express';
import type { AppOptions } from '../http/options';
import { installContract, type RegistrySource } from '../http/router';

export interface CreateAppOptions extends AppOptions {
  readonly registry: RegistrySource;
}

/** Builds the Express app serving the contract at `/`. It never listens: see startServer / server.ts. */
export function createApp(options: CreateAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: Grafana never revalidates, and hashing every answer costs a few percent of a request.
  app.set('etag', false);
  // Requests reach us with and without a trailing slash depending on the client and the data source URL.
  app.set('strict routing', false);
  installContract(app, options.registry, options);
  return app;
}
