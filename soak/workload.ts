/**
 * The soak's mixed workload: what Grafana dashboards send (health, search, time series over 6 h and
 * 7 d, tables with ad hoc filters, annotations, tag keys and values, a metric from the file that
 * reloads rewrite, the JSON data source's /metrics and /variable), plus requests that must fail
 * cleanly (bad JSON, unknown metric, no credentials) and requests cancelled mid-flight (half a body,
 * or a whole request dropped before its answer).
 */
import { Agent, request } from 'node:http';

export type Kind = 'valid' | 'invalid' | 'abort';

interface Spec {
  readonly name: string;
  readonly kind: Kind;
  readonly weight: number;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** The status a correct server answers (aborted requests get none). */
  readonly status: number;
  readonly auth?: false;
}

const range = (from: string) => ({ range: { from, to: 'now' }, rangeRaw: { from, to: 'now' } });

export const SPECS: readonly Spec[] = [
  { name: 'GET /', kind: 'valid', weight: 5, method: 'GET', path: '/', status: 200 },
  {
    name: 'search',
    kind: 'valid',
    weight: 8,
    method: 'POST',
    path: '/search',
    body: { target: 'cpu' },
    status: 200,
  },
  {
    name: 'search regex',
    kind: 'valid',
    weight: 4,
    method: 'POST',
    path: '/search',
    body: { target: '/temp.*(Berlin|Paris)/' },
    status: 200,
  },
  {
    name: 'query 6h x3',
    kind: 'valid',
    weight: 22,
    method: 'POST',
    path: '/query',
    body: {
      ...range('now-6h'),
      intervalMs: 20_000,
      maxDataPoints: 1000,
      targets: ['cpu.web-01', 'temperature.Berlin', 'upper_50'].map((target, i) => ({
        target,
        refId: `R${i}`,
      })),
    },
    status: 200,
  },
  {
    name: 'query 7d',
    kind: 'valid',
    weight: 8,
    method: 'POST',
    path: '/query',
    body: { ...range('now-7d'), maxDataPoints: 500, targets: [{ target: 'requests_total', refId: 'A' }] },
    status: 200,
  },
  {
    name: 'query reloaded',
    kind: 'valid',
    weight: 6,
    method: 'POST',
    path: '/query',
    body: {
      ...range('now-1h'),
      maxDataPoints: 200,
      targets: [{ target: '/soak\\.extra\\..*/', refId: 'A' }],
    },
    status: 200,
  },
  {
    name: 'query table',
    kind: 'valid',
    weight: 6,
    method: 'POST',
    path: '/query',
    body: {
      ...range('now-6h'),
      targets: [{ target: 'servers', refId: 'T', type: 'table' }],
      adhocFilters: [{ key: 'role', operator: '=', value: 'web' }],
    },
    status: 200,
  },
  {
    name: 'annotations',
    kind: 'valid',
    weight: 6,
    method: 'POST',
    path: '/annotations',
    body: { ...range('now-24h'), annotation: { name: 'Deploys', enable: true, query: '#deploy' } },
    status: 200,
  },
  { name: 'tag-keys', kind: 'valid', weight: 4, method: 'POST', path: '/tag-keys', body: {}, status: 200 },
  {
    name: 'tag-values',
    kind: 'valid',
    weight: 4,
    method: 'POST',
    path: '/tag-values',
    body: { key: 'City' },
    status: 200,
  },
  { name: 'metrics', kind: 'valid', weight: 3, method: 'POST', path: '/metrics', body: {}, status: 200 },
  {
    name: 'variable',
    kind: 'valid',
    weight: 3,
    method: 'POST',
    path: '/variable',
    body: { payload: { query: 'label_values(temperature.*, City)' }, ...range('now-6h') },
    status: 200,
  },
  {
    name: 'bad JSON',
    kind: 'invalid',
    weight: 3,
    method: 'POST',
    path: '/query',
    body: '{"targets": [',
    status: 400,
  },
  {
    name: 'unknown metric',
    kind: 'invalid',
    weight: 3,
    method: 'POST',
    path: '/query',
    body: { targets: [{ target: 'no.such.metric', refId: 'A' }] },
    status: 400,
  },
  {
    name: 'no credentials',
    kind: 'invalid',
    weight: 2,
    method: 'POST',
    path: '/search',
    body: { target: '' },
    status: 401,
    auth: false,
  },
  {
    name: 'abort mid-body',
    kind: 'abort',
    weight: 6,
    method: 'POST',
    path: '/query',
    body: { ...range('now-6h'), targets: [{ target: 'upper_50', refId: 'A' }] },
    status: 0,
  },
  {
    name: 'abort before answer',
    kind: 'abort',
    weight: 6,
    method: 'POST',
    path: '/query',
    body: { ...range('now-7d'), maxDataPoints: 5000, targets: [{ target: 'requests_total', refId: 'A' }] },
    status: 0,
  },
];

export interface Outcome {
  readonly spec: string;
  readonly kind: Kind;
  /** The request got the status a correct server gives (for aborts: the server did not fail the run). */
  readonly ok: boolean;
  readonly status: number;
  readonly ms: number;
  readonly error?: string;
}

/** mulberry32: a small seeded PRNG, so a run's request sequence can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick(rand: () => number): Spec {
  const total = SPECS.reduce((s, x) => s + x.weight, 0);
  let r = rand() * total;
  for (const spec of SPECS) {
    r -= spec.weight;
    if (r < 0) return spec;
  }
  return SPECS[0] as Spec;
}

/** Sends one request of `spec` and reports how it went. Never rejects. */
export function send(
  base: URL,
  agent: Agent,
  authorization: string,
  spec: Spec,
  rand: () => number,
): Promise<Outcome> {
  const payload =
    spec.body === undefined ? '' : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.auth !== false) headers.authorization = authorization;
  if (payload !== '') headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<Outcome, 'spec' | 'kind' | 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ spec: spec.name, kind: spec.kind, ms: performance.now() - started, ...o });
    };
    const req = request(base.origin + spec.path, {
      method: spec.method,
      headers,
      // Aborts get a socket of their own, so they never break a pooled keep-alive connection.
      agent: spec.kind === 'abort' ? false : agent,
      timeout: 30_000,
    });
    req.on('timeout', () => req.destroy(new Error('client timeout (30 s)')));
    req.on('error', (err) => done({ ok: spec.kind === 'abort', status: 0, error: err.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) =>
        done({ ok: spec.kind === 'abort', status: res.statusCode ?? 0, error: err.message }),
      );
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (spec.kind === 'abort') return done({ ok: true, status });
        let error: string | undefined;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          if (body === null || typeof body !== 'object') error = 'body is not a JSON object or array';
        } catch {
          error = 'body is not JSON';
        }
        if (status !== spec.status && error === undefined) error = `status ${status}, wanted ${spec.status}`;
        done(error === undefined ? { ok: true, status } : { ok: false, status, error });
      });
    });
    if (spec.name === 'abort mid-body') {
      req.write(payload.slice(0, Math.floor(payload.length / 2)));
      setTimeout(() => req.destroy(), rand() * 10);
      req.on('close', () => done({ ok: true, status: 0 }));
    } else if (spec.kind === 'abort') {
      req.end(payload);
      setTimeout(() => req.destroy(), rand() * 3);
      req.on('close', () => done({ ok: true, status: 0 }));
    } else {
      req.end(payload);
    }
  });
}
