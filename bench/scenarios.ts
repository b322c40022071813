/** What the benchmark asks (each scenario is in docs/benchmarks.md): Grafana-shaped /query bodies, fixed ranges. */

/** End of every /query range and of the stored series, fixed so that recorded answers stay valid. */
export const END = Date.UTC(2024, 4, 14, 15, 0, 0);
export const STORED_METRIC = 'bench.stored_1s';
/** Two targets of the bundled demo (sine generators, 1 min step). */
export const GENERATED_TARGETS = ['temperature.Berlin', 'temperature.Paris'] as const;
export const MAX_DATA_POINTS = 500;

const HOUR = 3_600_000;
export const RANGES = [
  ['1h', HOUR],
  ['6h', 6 * HOUR],
  ['24h', 24 * HOUR],
  ['30d', 30 * 24 * HOUR],
  ['365d', 365 * 24 * HOUR],
] as const;

export interface Scenario {
  /** Stable key, e.g. `query stored 6h`. */
  readonly id: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The request body as sent (JSON text), or undefined for none. */
  readonly body: string | undefined;
}

/** Grafana's rounded intervals: it sends the largest of these not above span / maxDataPoints. */
const NICE_MS = [
  10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 2e4, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 12e5, 18e5,
];
const NICE_HOURS = [1, 2, 3, 6, 12, 24, 168, 720];

function niceInterval(spanMs: number): number {
  const target = spanMs / MAX_DATA_POINTS;
  const all = [...NICE_MS, ...NICE_HOURS.map((h) => h * HOUR)];
  return all.filter((ms) => ms <= target).pop() ?? 10;
}

function queryBody(targets: readonly string[], spanMs: number): string {
  const from = new Date(END - spanMs).toISOString();
  const to = new Date(END).toISOString();
  const intervalMs = niceInterval(spanMs);
  return JSON.stringify({
    range: { from, to, raw: { from, to } },
    interval: `${intervalMs}ms`,
    intervalMs,
    maxDataPoints: MAX_DATA_POINTS,
    targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target, type: 'timeserie' })),
    adhocFilters: [],
  });
}

export function scenarios(): Scenario[] {
  const out: Scenario[] = [
    { id: 'GET /', method: 'GET', path: '/', body: undefined },
    { id: 'POST /search', method: 'POST', path: '/search', body: JSON.stringify({ target: '' }) },
  ];
  for (const [kind, targets] of [
    ['generated', GENERATED_TARGETS],
    ['stored', [STORED_METRIC, STORED_METRIC]],
  ] as const) {
    for (const [label, span] of RANGES) {
      out.push({
        id: `query ${kind} ${label}`,
        method: 'POST',
        path: '/query',
        body: queryBody(targets, span),
      });
    }
  }
  return out;
}

/** The key a baseline looks a request up by. */
export function requestKey(method: string, path: string, body: string): string {
  return `${method} ${path}\n${body}`;
}
