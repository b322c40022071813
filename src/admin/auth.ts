/**
 * The credentials of runtime control, separate from Grafana's: the admin token opens `/admin/` and
 * `/write`; a write token opens `/write` only. Compared as SHA-256 digests in constant time; never logged.
 */
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import { digest, matchesAnyToken } from '../http/auth';
import { sendError } from '../http/errors';

/**
 * The secrets a request offers: `Bearer x` and `Token x` (InfluxDB 2 clients, Telegraf's `token`) and the
 * password of Basic auth (Telegraf's InfluxDB v1 output sends username/password that way; the user name is
 * not checked). Writers may also put it in the `p` query parameter, as InfluxDB v1 allows.
 */
export function offeredSecrets(req: Request, allowQuery: boolean): string[] {
  const found: string[] = [];
  const header = req.headers.authorization;
  if (header !== undefined) {
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space < 0 ? header.length : space).toLowerCase();
    const rest = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'bearer' || scheme === 'token') found.push(rest);
    else if (scheme === 'basic') {
      const decoded = Buffer.from(rest, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) found.push(decoded.slice(colon + 1));
    }
  }
  if (allowQuery) {
    const p = req.query.p;
    if (typeof p === 'string') found.push(p);
  }
  return found;
}

export interface ControlTokens {
  /** Tokens that open everything of runtime control (several allow a rotation). */
  readonly admin: readonly string[];
  /** Tokens that open `/write` only. */
  readonly write: readonly string[];
}

/**
 * `/admin/` takes the admin token as `Authorization: Bearer` only: 401 without it or with any other
 * credential (Grafana's basic auth or bearer token never open it), 403 for a write token.
 */
export function adminGuard(tokens: ControlTokens): RequestHandler {
  const admin = tokens.admin.map(digest);
  const write = tokens.write.map(digest);
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const bearer = /^bearer\s+(.+)$/i.exec(header.trim());
    const token = bearer === null ? undefined : (bearer[1] as string).trim();
    if (token !== undefined && matchesAnyToken(token, admin)) return next();
    if (token !== undefined && write.length > 0 && matchesAnyToken(token, write)) {
      return sendError(res, new AppError('FORBIDDEN', 'a write token opens /write only, not the admin API'));
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="simplejson-server admin"');
    const message =
      header === '' ? 'the admin API needs Authorization: Bearer <admin token>' : 'invalid admin token';
    sendError(res, new AppError('UNAUTHORIZED', message));
  };
}

/** `/write` takes the admin token or a write token, sent any way a writer sends one (offeredSecrets). */
export function writeGuard(
  tokens: ControlTokens,
  send: (res: Response, error: AppError) => void = sendError,
): RequestHandler {
  const accepted = [...tokens.admin, ...tokens.write].map(digest);
  return (req, res, next) => {
    const offered = offeredSecrets(req, true);
    if (offered.some((secret) => matchesAnyToken(secret, accepted))) return next();
    res.setHeader('WWW-Authenticate', [
      'Basic realm="simplejson-server write"',
      'Bearer realm="simplejson-server write"',
    ]);
    const message =
      offered.length === 0
        ? 'writing needs the write token (or the admin token): Authorization: Bearer/Token <token>, or as the basic auth password'
        : 'invalid write token';
    send(res, new AppError('UNAUTHORIZED', message));
  };
}
