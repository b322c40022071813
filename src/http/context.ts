import type { Request, RequestHandler, Response } from 'express';
import { validate } from '../contract/schemas';
import type { ResolvedOptions } from './options';
import type { Registry } from '../registry/registry';
import type { PatternOptions } from '../series/saferegex';

/** What every endpoint gets: the registry (read per request, so it can be swapped whole) and the options. */
export interface EndpointContext {
  readonly registry: () => Registry;
  readonly options: ResolvedOptions;
  /** The pattern cap of the options, built once and passed as is to everything that compiles patterns. */
  readonly patterns: PatternOptions;
}

/**
 * A route handler whose body has been checked against the schema with `$id` `schemaId`. `handle` may be
 * async: Express 5 passes a rejected promise to the error handler, as it does a thrown error.
 */
export function validated<T>(
  schemaId: string,
  handle: (body: T, res: Response, req: Request) => void | Promise<void>,
): RequestHandler {
  return (req, res) => handle(validate<T>(schemaId, req.body), res, req);
}
