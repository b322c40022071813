import type { Request, RequestHandler, Response } from 'express';
import { validate } from '../contract/schemas';
import { resolveProviders } from '../sources/providers';
import { requestSignal } from './limits';
import type { Logger, ResolvedOptions } from './options';
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

/**
 * What a handler that may reach a source works with: the registry with its providers' metrics
 * (sources/providers.ts) and a signal (http/limits.ts requestSignal), made only when first asked for, so
 * a request that reaches no reader pays for neither.
 */
export class RequestScope {
  readonly #ctx: EndpointContext;
  readonly #req: Request;
  readonly #res: Response;
  #signal: AbortSignal | undefined;

  constructor(ctx: EndpointContext, req: Request, res: Response) {
    this.#ctx = ctx;
    this.#req = req;
    this.#res = res;
  }

  get signal(): AbortSignal {
    this.#signal ??= requestSignal(this.#req, this.#res);
    return this.#signal;
  }

  get log(): Logger {
    return this.#ctx.options.logger;
  }

  /** The registry itself when it has no providers; else its view with the provided metrics. */
  registry(): Promise<Registry> {
    const registry = this.#ctx.registry();
    if (registry.providers().length === 0) return Promise.resolve(registry);
    return resolveProviders(registry, {
      signal: this.signal,
      now: this.#ctx.options.clock(),
      log: this.#ctx.options.logger,
    });
  }
}
