import cors from 'cors';
import type { RequestHandler } from 'express';
import type { CorsOptions } from './options';

/**
 * CORS for Grafana's Browser access mode. Every route answers an OPTIONS preflight with 204 before any
 * other middleware runs, so a preflight never needs credentials (grafana/grafana#27127). The requested
 * headers are echoed rather than allow-listed, because Grafana has added custom headers over time
 * (X-Panel-Id, X-Grafana-Device-Id) that broke fixed lists.
 */
export function corsMiddleware(options: Required<CorsOptions>): RequestHandler {
  const { origins, credentials } = options;
  return cors({
    // With credentials a literal `*` is refused by browsers, so the caller's origin is echoed instead.
    origin: origins === '*' ? (credentials ? true : '*') : [...origins],
    credentials,
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    // allowedHeaders left unset: the cors package then reflects Access-Control-Request-Headers.
    maxAge: 600,
    optionsSuccessStatus: 204,
    preflightContinue: false,
  });
}
