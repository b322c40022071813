// @ts-check
/** Ranges as Grafana sends them, and times shown in UTC (the server's time math is UTC too). */

/** Grafana's quick ranges the page offers, as `now-…` expressions. */
export const QUICK_RANGES = /** @type {const} */ (['1h', '6h', '24h', '7d']);

const UNIT_MS = /** @type {Record<string, number>} */ ({
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
});

/**
 * Epoch ms of `now`, `now-6h`, an ISO 8601 time (UTC unless it says otherwise) or epoch ms; NaN if none.
 * @param {string} text
 * @param {number} now
 */
export function parseTime(text, now) {
  const t = text.trim();
  const rel = /^now(?:-(\d+)([smhdw]))?$/.exec(t);
  if (rel !== null) return rel[1] === undefined ? now : now - Number(rel[1]) * (UNIT_MS[rel[2] ?? 's'] ?? 0);
  if (/^\d+$/.test(t)) return Number(t);
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(t) || !/T|\d:\d/.test(t) ? t : `${t}Z`;
  return Date.parse(iso);
}

/**
 * The `range` of a request body: absolute ISO times, with the raw expressions as Grafana sends them.
 * @param {string} from
 * @param {string} to
 * @param {number} now
 */
export function rangeOf(from, to, now) {
  const f = parseTime(from, now);
  const t = parseTime(to, now);
  if (!Number.isFinite(f) || !Number.isFinite(t)) throw new Error(`cannot read the range ${from} to ${to}`);
  if (f >= t) throw new Error('the range must start before it ends');
  return { from: new Date(f).toISOString(), to: new Date(t).toISOString(), raw: { from, to } };
}

/** @param {number} ms */
export function utc(ms) {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$|Z$/, ' UTC');
}
