/**
 * Fault injection: rules that make an endpoint or a metric slow, failing or cut off, so a dashboard, an
 * alert rule or a client's retries can be tested against a data source that misbehaves the way real ones
 * do. Rules come from the admin API or the library (FaultTable); fixture files may also declare an
 * always-on fault on a metric (`"fault": {"delayMs": 2000}`), which wraps its reader (faultySeriesReader).
 * What a matched fault does to a read is in fault-reads.ts, re-exported here.
 */
import type { Request, RequestHandler, Response } from 'express';
import { AppError, InjectedFaultError, ValidationError } from '../errors';
import { sendError } from '../http/errors';
import { requestSignal } from '../http/limits';
import type { Logger } from '../http/options';
import { compileSafeRegex, compileSlashRegex, parseSlashRegex, type SafeRegex } from '../series/saferegex';
import { RequestTimeout } from '../sources/call';
import { type FaultEffect, type ReadFault, type ReadFaults, effectProblem } from './fault-reads';
import { recordFault } from './journal';

export * from './fault-reads';

export interface FaultSpec extends FaultEffect {
  /** A path of the contract ('/query', '/search', '/' …; FAULT_ENDPOINTS), with or without a trailing slash. */
  readonly endpoint?: string;
  /** A metric (or annotation set) name, exact: each read of it in /query. */
  readonly metric?: string;
  /**
   * A /query target pattern: an anchored RE2 regex (or `/regex/flags`, a search) matched against the
   * target text as sent, or that text exactly. Each metric the target reads gets the fault.
   */
  readonly target?: string;
  /** For the next N hits only (default: until removed). */
  readonly times?: number;
}

export interface Fault extends FaultSpec {
  readonly id: string;
  /** How many times it acted so far. */
  readonly hits: number;
  /** Hits left, with `times`; the rule is removed when none are. */
  readonly remaining?: number;
  /** Fixture faults belong to their metric, not to a table: every rule listed here is 'admin'. */
  readonly from: 'admin' | 'fixture';
}

/** The paths of the contract (http/router.ts) an endpoint rule may name. */
export const FAULT_ENDPOINTS: readonly string[] = [
  '/',
  '/healthz',
  '/search',
  '/query',
  '/annotations',
  '/tag-keys',
  '/tag-values',
  '/metrics',
  '/metric-payload-options',
  '/variable',
];

/** Longest delay a fault may ask for: ten minutes. */
export const MAX_FAULT_DELAY_MS = 600_000;

const SPEC_KEYS = new Set(['endpoint', 'metric', 'target', 'delayMs', 'status', 'message', 'drop', 'times']);

type Kind = 'endpoint' | 'metric' | 'target';

interface Rule extends ReadFault {
  /** What the pipeline is handed: the id and effect alone. */
  readonly read: ReadFault;
  readonly kind: Kind;
  /** The endpoint (normalised), metric name or target pattern. */
  readonly key: string;
  readonly spec: FaultSpec;
  readonly regex: SafeRegex | undefined;
  hits: number;
  remaining: number | undefined;
}

function normalPath(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.toLowerCase();
}

export class FaultTable {
  readonly #logger: Logger;
  readonly #rules = new Map<string, Rule>();
  #lastId = 0;
  /** Rules by kind: the request path checks only the count of its own kind. */
  #endpointRules = 0;
  #readRules = 0;

  constructor(options: { readonly logger: Logger }) {
    this.#logger = options.logger;
  }

  get size(): number {
    return this.#rules.size;
  }

  /**
   * Adds a rule (it acts from the next request on) and answers it with its id.
   * @throws ValidationError naming the field: not exactly one of endpoint/metric/target, an endpoint not
   *   of the contract, a status outside 400-599, a delay outside 0-10 min, status with drop, nothing to do.
   * @throws PatternError for a target pattern that does not compile.
   */
  add(spec: FaultSpec): Fault {
    const { kind, key, regex } = checkSpec(spec);
    const id = `f${++this.#lastId}`;
    const effect: FaultEffect = Object.freeze(pick(spec, ['delayMs', 'status', 'message', 'drop']));
    const rule: Rule = {
      id,
      effect,
      read: Object.freeze({ id, effect }),
      kind,
      key,
      spec: pick(spec, [kind, 'delayMs', 'status', 'message', 'drop', 'times']),
      regex,
      hits: 0,
      remaining: spec.times,
    };
    this.#rules.set(id, rule);
    if (kind === 'endpoint') this.#endpointRules++;
    else this.#readRules++;
    return view(rule);
  }

  /** The rules in the order they were added, as they stand now. */
  list(): Fault[] {
    return [...this.#rules.values()].map(view);
  }

  remove(id: string): boolean {
    const rule = this.#rules.get(id);
    if (rule === undefined) return false;
    this.#rules.delete(id);
    if (rule.kind === 'endpoint') this.#endpointRules--;
    else this.#readRules--;
    return true;
  }

  /** Removes every rule; answers how many. Ids keep increasing. */
  clear(): number {
    const n = this.#rules.size;
    this.#rules.clear();
    this.#endpointRules = 0;
    this.#readRules = 0;
    return n;
  }

  /**
   * The endpoint rules, for the route handlers of the contract (after the body is read, so the journal
   * has it): the first rule naming the request's path waits its delay, then answers its status, destroys
   * the connection, or lets the request through. A delay the request timeout cuts short answers 408
   * TIMEOUT; one whose client goes away does nothing more. With no endpoint rule: one count check.
   */
  middleware(): RequestHandler {
    return (req, res, next) => {
      if (this.#endpointRules === 0) return next();
      const path = normalPath(req.path);
      const rule = this.#first('endpoint', (r) => r.key === path);
      if (rule === undefined) return next();
      this.#hit(rule, req, res);
      const act = (): void => {
        if (rule.effect.status !== undefined) {
          const message = rule.effect.message ?? `injected fault ${rule.id}`;
          sendError(res, new InjectedFaultError(rule.id, rule.effect.status, message));
        } else if (rule.effect.drop === true) {
          req.socket.destroy();
        } else {
          next();
        }
      };
      const delayMs = rule.effect.delayMs ?? 0;
      if (delayMs === 0) return act();
      const signal = requestSignal(req, res);
      if (signal.aborted) return; // answered already (a 408 while the body arrived): nothing to delay
      const onAbort = (): void => {
        clearTimeout(timer);
        const reason: unknown = signal.reason;
        if (reason instanceof RequestTimeout && !res.headersSent) {
          const text = `injected fault ${rule.id} delays the answer by ${delayMs} ms, longer than the request timeout of ${reason.ms} ms`;
          sendError(res, new AppError('TIMEOUT', text));
        }
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        // Out of Express's reach here: a throw would be uncaught, so answer only what is still open.
        if (!res.headersSent && !req.socket.destroyed) act();
      }, delayMs);
      signal.addEventListener('abort', onAbort, { once: true });
    };
  }

  /** The metric and target rules for one /query, or undefined when there are none (the common case). */
  forQuery(req: Request, res: Response): ReadFaults | undefined {
    if (this.#readRules === 0) return undefined;
    const take = (rule: Rule | undefined): ReadFault | undefined => {
      if (rule === undefined) return undefined;
      this.#hit(rule, req, res);
      return rule.read;
    };
    return {
      target: (text) => take(this.#first('target', (r) => r.key === text || r.regex?.test(text) === true)),
      metric: (name) => take(this.#first('metric', (r) => r.key === name)),
    };
  }

  #first(kind: Kind, matches: (rule: Rule) => boolean): Rule | undefined {
    for (const rule of this.#rules.values()) if (rule.kind === kind && matches(rule)) return rule;
    return undefined;
  }

  /** Counts a hit (removing a rule with no hits left), logs it, and tells the journal. */
  #hit(rule: Rule, req: Request, res: Response): void {
    rule.hits++;
    if (rule.remaining !== undefined && --rule.remaining <= 0) this.remove(rule.id);
    this.#logger.warn?.('injected fault', { id: rule.id, [rule.kind]: rule.key, path: req.path });
    recordFault(res, rule.id);
  }
}

function view(rule: Rule): Fault {
  return Object.freeze({
    id: rule.id,
    ...rule.spec,
    hits: rule.hits,
    ...(rule.remaining === undefined ? {} : { remaining: rule.remaining }),
    from: 'admin' as const,
  });
}

function pick<K extends keyof FaultSpec>(spec: FaultSpec, keys: readonly K[]): Pick<FaultSpec, K> {
  const out: Partial<Record<K, unknown>> = {};
  for (const key of keys) if (spec[key] !== undefined) out[key] = spec[key];
  return out as Pick<FaultSpec, K>;
}

function invalid(field: string, message: string): never {
  throw new ValidationError(message, field);
}

const FIELDS = 'endpoint, metric, target, delayMs, status, message, drop, times';

/** Checks a rule as it may come from JSON (any value in any field); answers what it matches on. */
function checkSpec(spec: FaultSpec): { kind: Kind; key: string; regex: SafeRegex | undefined } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    invalid('', 'a fault must be an object');
  }
  const fields = spec as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(fields)) {
    if (!SPEC_KEYS.has(key)) invalid(key, `${JSON.stringify(key)} is not a fault field (${FIELDS})`);
  }
  const given = (['endpoint', 'metric', 'target'] as const).filter((k) => fields[k] !== undefined);
  if (given.length !== 1) {
    const got = given.length === 0 ? 'none' : given.join(' and ');
    invalid(given[1] ?? 'endpoint', `give exactly one of endpoint, metric or target (got ${got})`);
  }
  const kind = given[0] as Kind;
  const text = fields[kind];
  if (typeof text !== 'string' || text === '') invalid(kind, `${kind} must be a non-empty string`);
  const { delayMs, status, message, drop, times } = fields;
  const got = (value: unknown): string => `got ${JSON.stringify(value)}`;
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !(delayMs >= 0 && delayMs <= MAX_FAULT_DELAY_MS)) {
      invalid('delayMs', `delayMs must be ms from 0 to ${MAX_FAULT_DELAY_MS} (10 min), ${got(delayMs)}`);
    }
  }
  if (status !== undefined) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      invalid('status', `status must be an integer from 400 to 599, ${got(status)}`);
    }
  }
  if (message !== undefined) {
    if (typeof message !== 'string') invalid('message', `message must be a string, ${got(message)}`);
    if (status === undefined) invalid('message', 'message needs a status: it is the error answered');
  }
  if (drop !== undefined && typeof drop !== 'boolean')
    invalid('drop', `drop must be true or false, ${got(drop)}`);
  if (times !== undefined) {
    if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1) {
      invalid('times', `times must be a positive integer, ${got(times)}`);
    }
  }
  const problem = effectProblem(spec);
  if (problem !== undefined) invalid(problem.field, problem.message);
  if (kind === 'endpoint') {
    const path = normalPath(text);
    if (!FAULT_ENDPOINTS.includes(path)) {
      const paths = FAULT_ENDPOINTS.join(', ');
      invalid('endpoint', `endpoint ${JSON.stringify(text)} is not a path of the contract (${paths})`);
    }
    return { kind, key: path, regex: undefined };
  }
  return { kind, key: text, regex: kind === 'target' ? targetRegex(text) : undefined };
}

/** A target pattern as the server reads target regexes: `/regex/flags` searches, anything else is anchored. */
function targetRegex(pattern: string): SafeRegex {
  const slash = parseSlashRegex(pattern, 'target');
  return slash === undefined
    ? compileSafeRegex(pattern, { anchored: true, field: 'target' })
    : compileSlashRegex(slash, { field: 'target' });
}
