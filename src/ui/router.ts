/**
 * The explorer page under `ui/` (docs/ui.md): the page's files, and two read-only endpoints for what the
 * contract does not say (`ui/api/info`, `ui/api/connect`). Installed by installContract just before its
 * 404, behind the same guards, so requests of the contract never reach these routes. Every URL the page
 * uses is relative, so it works wherever the contract is mounted (`app.use('/grafana', createRouter(…))`).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { EndpointContext } from '../http/context';
import type { AuthOptions } from '../http/options';
import { sendJson } from '../http/reply';
import { type Asset, uiAssets } from './assets';
import { connectAnswer } from './connect';
import { uiChecks, uiInfo } from './info';

/** No inline script or style, nothing from elsewhere, no framing, no form posts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

function sendAsset(req: Request, res: Response, asset: Asset): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
  res.setHeader('Content-Type', asset.type);
  // Revalidated on each load (a 304 when unchanged), so an upgraded server never runs an old page.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('ETag', asset.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === asset.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const body = gzip ? asset.gzip : asset.raw;
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.statusCode = 200;
  res.end(body);
}

/**
 * The page and its files, as one route (`ui`, `ui/`, `ui/<file>`, `ui/vendor/<file>`); anything else
 * under `ui/` goes on (to `ui/api/…`, or the 404).
 */
function shell(log: RequestHandler | undefined): RequestHandler {
  return (req, res, next) => {
    const rest = req.path.replace(/^\/ui\/?/, '');
    if (rest === '') {
      // The page's relative URLs need the trailing slash: `…/ui` → `…/ui/` (relative, so any mount works).
      const url = req.originalUrl;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (!path.endsWith('/')) {
        res.redirect(302, `${path.slice(path.lastIndexOf('/') + 1)}/${q < 0 ? '' : url.slice(q)}`);
        return;
      }
    }
    const asset = uiAssets().get(rest === '' ? 'index.html' : rest);
    if (asset === undefined) return next();
    if (log === undefined) sendAsset(req, res, asset);
    else void log(req, res, () => sendAsset(req, res, asset));
  };
}

/**
 * With bearer tokens and no basic auth, a browser cannot open the page (it sends no token when it
 * navigates), so its files (the same for everyone, no data in them) are served before the auth guard and
 * the page asks for the token; everything it reads stays behind the guard.
 */
export function shellBeforeAuth(auth: AuthOptions): boolean {
  return auth.basic === undefined && (auth.bearerTokens?.length ?? 0) > 0;
}

/**
 * The page's files, where installContract puts them: after the guards, or before them (shellBeforeAuth)
 * with the request log, which then logs only the files served here (the rest goes on to the guards).
 */
export function installUiShell(
  router: { get(path: string, ...handlers: RequestHandler[]): unknown },
  ctx: EndpointContext,
  log?: RequestHandler,
): void {
  if (ctx.options.ui === false) return;
  uiAssets(); // read and compressed at boot, not on the first request
  router.get('/ui{/*rest}', shell(log));
}

/** `ui/api/info`, `ui/api/checks` and `ui/api/connect`, always behind the guards. */
export function installUiApi(
  router: { get(path: string, ...handlers: RequestHandler[]): unknown },
  ctx: EndpointContext,
): void {
  const { ui } = ctx.options;
  if (ui === false) return;
  const report = typeof ui === 'object' ? ui.fixtures : undefined;
  router.get('/ui/api/info', (_req, res) => sendJson(res, uiInfo(ctx.registry(), ctx.options, report?.())));
  router.get('/ui/api/checks', async (_req, res) => sendJson(res, await uiChecks(ctx.registry())));
  router.get('/ui/api/connect', (req, res) => sendJson(res, connectAnswer(req.query.url, ctx.options.auth)));
}
