import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { AuthOptions } from './options';
import { sendError } from './errors';

export const REALM = 'simplejson-server';

/**
 * SHA-256 of a secret. Comparing digests instead of the secrets keeps timingSafeEqual's inputs the same
 * length (it throws otherwise), so neither the content nor the length of a secret leaks through timing.
 */
export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Whether `secret` is one of the digested `tokens`, comparing with every one of them (no early exit). */
export function matchesAnyToken(secret: string, tokens: readonly Buffer[]): boolean {
  const given = digest(secret);
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(given, token) || ok;
  return ok;
}

/** Whether any auth is configured: with none, the middleware is not installed at all. */
export function authEnabled(auth: AuthOptions): boolean {
  return auth.basic !== undefined || (auth.bearerTokens?.length ?? 0) > 0;
}

/** Checks an `Authorization` header value against the configured secrets, in constant time per secret. */
function checker(auth: AuthOptions): (header: string) => boolean {
  const basic =
    auth.basic === undefined
      ? undefined
      : { user: digest(auth.basic.user), password: digest(auth.basic.password) };
  const tokens = (auth.bearerTokens ?? []).map(digest);
  return (header) => {
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space < 0 ? header.length : space).toLowerCase();
    const rest = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'basic' && basic !== undefined) {
      const decoded = Buffer.from(rest, 'base64').toString('utf8');
      const colon = decoded.indexOf(':'); // RFC 7617: the user id cannot contain a colon, the password can
      if (colon < 0) return false;
      // `&`, not `&&`: both comparisons always run, so timing does not tell which part was wrong.
      const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), basic.user);
      const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), basic.password);
      return userOk && passwordOk;
    }
    if (scheme === 'bearer' && tokens.length > 0) return matchesAnyToken(rest, tokens);
    return false;
  };
}

/** The `WWW-Authenticate` challenges for the configured schemes (RFC 7617 for Basic, RFC 6750 for Bearer). */
export function challenges(auth: AuthOptions): string[] {
  const list: string[] = [];
  if (auth.basic !== undefined) list.push(`Basic realm="${REALM}", charset="UTF-8"`);
  if ((auth.bearerTokens?.length ?? 0) > 0) list.push(`Bearer realm="${REALM}"`);
  return list;
}

/**
 * Refuses requests without valid credentials with 401 UNAUTHORIZED and `WWW-Authenticate`. Mounted after
 * CORS, which answers every OPTIONS preflight first: preflights never carry credentials
 * (grafana/grafana#27127). With `exemptHealth`, `GET`/`HEAD /` pass when they carry no `Authorization`
 * at all (a container probe); when they do carry one it is checked, so "Save & test" stays honest.
 * Returns undefined when auth is off.
 */
export function authMiddleware(auth: AuthOptions): RequestHandler | undefined {
  if (!authEnabled(auth)) return undefined;
  const check = checker(auth);
  const headers = challenges(auth);
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (req.method === 'OPTIONS') return next();
    const health =
      (req.method === 'GET' || req.method === 'HEAD') && (req.path === '/' || req.path === '/healthz');
    if (header === undefined && health && auth.exemptHealth === true) return next();
    if (header !== undefined && check(header)) return next();
    res.setHeader('WWW-Authenticate', headers);
    const message =
      header === undefined ? 'authentication required' : 'invalid credentials (user, password or token)';
    sendError(res, new AppError('UNAUTHORIZED', message));
  };
}
