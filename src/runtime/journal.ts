/**
 * The request journal: the last requests of the contract as Grafana sent them (method, path, query,
 * headers, body) with what they got (status, time taken, the metrics each /query target resolved to, the
 * fault that answered), for a test or an operator to ask "what did the dashboard really send?". Bounded
 * in entries and in bytes; credentials never enter it.
 */
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import { ValidationError } from '../errors';
import { onResponseDone } from '../http/done';
import type { Clock } from '../time/clock';

/** What one /query target resolved to: its metrics, then the annotation sets it named. */
export interface JournalTarget {
  readonly refId: string;
  readonly target: string;
  readonly metrics: readonly string[];
}

export interface JournalEntry {
  /** Increasing, in the order the requests ended. */
  readonly id: number;
  /** Epoch ms of arrival, by the app's clock. */
  readonly time: number;
  readonly method: string;
  /** The path inside the contract (under the router's mount point), without the query string. */
  readonly path: string;
  /** The query string's parameters; a repeated one has its values joined by `,`. */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names; credentials (REDACTED_HEADERS) read `[redacted]`, repeated values are joined. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; undefined when none was sent or it was not JSON; see TruncatedBody. */
  readonly body: unknown;
  /** As answered; a request whose connection closed first keeps the status it had (200 unless set). */
  readonly status: number;
  /** From arrival to the end of the answer, to 0.1 ms. */
  readonly ms: number;
  /** The connection closed before the answer was sent (a client gone, a dropped connection). */
  readonly aborted?: true;
  /** /query only: what each target resolved to. */
  readonly targets?: readonly JournalTarget[];
  /** The id of the injected fault (runtime/faults.ts) that acted on the request, the first if several. */
  readonly fault?: string;
}

/** A body larger than a quarter of the journal's byte budget is kept as its size only. */
export interface TruncatedBody {
  readonly truncated: true;
  /** The body's size as sent (its Content-Length; for a chunked body, its UTF-8 length as JSON). */
  readonly bytes: number;
}

export interface JournalFilter {
  /** Exact path (a trailing slash does not count). */
  readonly path?: string;
  /** Any case. */
  readonly method?: string;
  /** Arrived at or after (epoch ms). */
  readonly since?: number;
  /** Arrived at or before (epoch ms). */
  readonly until?: number;
  /** Keep the newest this many of the matching entries. */
  readonly limit?: number;
}

export interface JournalOptions {
  /** Most entries kept (the oldest go first). Default 1000. */
  readonly maxEntries?: number;
  /**
   * Most bytes kept, as estimated per entry (ENTRY_OVERHEAD plus its texts and its body's size); only a
   * single newest entry may be larger. Default 8 MiB.
   */
  readonly maxBytes?: number;
  readonly clock: Clock;
}

/** Headers whose values are credentials or identify a user: kept by name only. */
export const REDACTED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-grafana-id',
]);

/**
 * Never recorded: the runtime control API and the explorer page's own files and endpoints. The journal is
 * about what Grafana sends.
 */
const UNRECORDED = /^\/(?:admin(?:\/|$)|write\/?$|ui(?:\/|$))/i;

/** Bytes counted for an entry besides its texts: the object, its numbers, the maps' own cost. */
export const ENTRY_OVERHEAD = 256;

/** What the journal keeps of a request while it runs, in its res.locals (done.ts says why not on res). */
interface Pending {
  readonly time: number;
  readonly started: number;
  readonly path: string;
  readonly url: string;
  targets?: readonly JournalTarget[];
  fault?: string;
}

const PENDING = Symbol('request journal entry in progress');
type Locals = Record<symbol, Pending | undefined>;

function pendingOf(res: Response): Pending | undefined {
  return (res.locals as Locals | undefined)?.[PENDING];
}

/** Records what the /query targets resolved to, when a journal records this request (else nothing). */
export function recordTargets(res: Response, targets: readonly JournalTarget[]): void {
  const pending = pendingOf(res);
  if (pending !== undefined) pending.targets = targets;
}

/** Records that the injected fault `id` acted on this request, when a journal records it. */
export function recordFault(res: Response, id: string): void {
  const pending = pendingOf(res);
  if (pending !== undefined) pending.fault ??= id;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`${field} must be a positive integer, got ${String(value)}`, field);
  }
  return value;
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Whether a body may have been sent: a Content-Length above 0 or a chunked Transfer-Encoding. */
function sentBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The body's size: its Content-Length, which is its JSON text as sent (free to read), or for a chunked
 * body the UTF-8 length of the parsed body as JSON.
 */
function bodySize(req: Request): number {
  const length = Number(req.headers['content-length']);
  if (Number.isSafeInteger(length) && length > 0 && req.headers['transfer-encoding'] === undefined) {
    return length;
  }
  const json = JSON.stringify(req.body) as string | undefined;
  return json === undefined ? 0 : Buffer.byteLength(json);
}

function targetsSize(targets: readonly JournalTarget[] | undefined): number {
  let n = 0;
  for (const t of targets ?? []) {
    n += 32 + t.refId.length + t.target.length;
    for (const metric of t.metrics) n += 4 + metric.length;
  }
  return n;
}

function headersOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = REDACTED_HEADERS.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function queryOf(url: string): Record<string, string> {
  const at = url.indexOf('?');
  const out: Record<string, string> = {};
  if (at < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    out[key] = Object.hasOwn(out, key) ? `${out[key] as string},${value}` : value;
  }
  return out;
}

function textBytes(record: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const key in record) n += key.length + (record[key] as string).length;
  return n;
}

export class RequestJournal {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #clock: Clock;
  /** Oldest first from #head; the slots before it were dropped and are reclaimed now and then. */
  #entries: JournalEntry[] = [];
  #sizes: number[] = [];
  #head = 0;
  #bytes = 0;
  #lastId = 0;

  constructor(options: JournalOptions) {
    this.#maxEntries = positive(options.maxEntries, 1000, 'maxEntries');
    this.#maxBytes = positive(options.maxBytes, 8 * 1024 * 1024, 'maxBytes');
    this.#clock = options.clock;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** The estimated bytes of the entries kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Records every request that passes it, when its answer is over (sent, or the connection gone), except
   * the control API (`/admin…`, `/write`). Install it first, so refused requests (401, 503, 404) are
   * recorded too. One res.locals entry and one done callback per request; nothing is read before the end.
   */
  middleware(): RequestHandler {
    const done = (res: Response): void => this.#record(res);
    return (req, res, next) => {
      const path = req.path;
      if (UNRECORDED.test(path)) return next();
      const pending: Pending = { time: this.#clock(), started: performance.now(), path, url: req.url };
      (res.locals as Locals)[PENDING] = pending;
      onResponseDone(res, done);
      next();
    };
  }

  /** The entries kept that match, oldest first (newest last); `limit` keeps the newest. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const { path, method, since, until, limit } = checkFilter(filter);
    const wanted = path === undefined ? undefined : trimSlash(path);
    const upper = method?.toUpperCase();
    const out: JournalEntry[] = [];
    for (let i = this.#head; i < this.#entries.length; i++) {
      const e = this.#entries[i] as JournalEntry;
      if (wanted !== undefined && trimSlash(e.path) !== wanted) continue;
      if (upper !== undefined && e.method !== upper) continue;
      if (since !== undefined && e.time < since) continue;
      if (until !== undefined && e.time > until) continue;
      out.push(e);
    }
    return limit === undefined || out.length <= limit ? out : out.slice(out.length - limit);
  }

  /** Drops every entry; answers how many. Ids keep increasing. */
  clear(): number {
    const dropped = this.size;
    this.#entries = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
    return dropped;
  }

  #record(res: Response): void {
    const pending = pendingOf(res);
    if (pending === undefined) return;
    const req = res.req;
    const query = queryOf(pending.url);
    const headers = headersOf(req);
    let body: unknown = undefined;
    let bodyBytes = 0;
    if (sentBody(req) && req.body !== undefined) {
      const bytes = bodySize(req);
      body = bytes > this.#maxBytes / 4 ? ({ truncated: true, bytes } satisfies TruncatedBody) : req.body;
      bodyBytes = body === req.body ? bytes : 40;
    }
    const entry: JournalEntry = {
      id: ++this.#lastId,
      time: pending.time,
      method: req.method,
      path: pending.path,
      query,
      headers,
      body,
      status: res.statusCode,
      ms: Math.round((performance.now() - pending.started) * 10) / 10,
      ...(res.writableFinished ? {} : { aborted: true as const }),
      ...(pending.targets === undefined ? {} : { targets: pending.targets }),
      ...(pending.fault === undefined ? {} : { fault: pending.fault }),
    };
    const size =
      ENTRY_OVERHEAD +
      entry.method.length +
      entry.path.length +
      textBytes(query) +
      textBytes(headers) +
      bodyBytes +
      targetsSize(pending.targets);
    this.#push(Object.freeze(entry), size);
  }

  #push(entry: JournalEntry, size: number): void {
    this.#entries.push(entry);
    this.#sizes.push(size);
    this.#bytes += size;
    while (this.size > this.#maxEntries || (this.#bytes > this.#maxBytes && this.size > 1)) {
      this.#bytes -= this.#sizes[this.#head] as number;
      this.#head++;
    }
    // Reclaim the dropped slots once they are half the arrays: amortised O(1) per entry.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }
}

function checkFilter(filter: JournalFilter): JournalFilter {
  const { path, method, since, until, limit } = filter;
  if (path !== undefined && typeof path !== 'string')
    throw new ValidationError('path must be a string', 'path');
  if (method !== undefined && typeof method !== 'string') {
    throw new ValidationError('method must be a string', 'method');
  }
  for (const [field, value] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw new ValidationError(`${field} must be epoch milliseconds, got ${String(value)}`, field);
    }
  }
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new ValidationError(`limit must be an integer of 0 or more, got ${String(limit)}`, 'limit');
  }
  return filter;
}
