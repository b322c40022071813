/**
 * The "nice" interval Grafana would pick for a range: used when a request carries no `intervalMs` (curl,
 * Infinity, test code), so bucket stamps fall on round multiples (`…:30:00`) as they do for Grafana's
 * own requests. Grafana's `rangeutil.roundInterval` rounds to the nearest entry of a list like this one;
 * here it is rounded up, so the bucket count stays within maxDataPoints.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Ascending; every entry divides a day, so buckets of any of them also tile whole days. */
export const NICE_INTERVALS: readonly number[] = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  20 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  20 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/**
 * The smallest nice interval at least `ms` long: an entry of NICE_INTERVALS, or a whole number of days
 * above one day. Anything not above 1 ms (including NaN) gives 1 ms.
 */
export function niceInterval(ms: number): number {
  if (!(ms > 1)) return 1;
  for (const nice of NICE_INTERVALS) if (nice >= ms) return nice;
  return Math.ceil(ms / DAY) * DAY;
}

/** The interval for a range of `span` ms drawn with `maxDataPoints` points, as Grafana derives it. */
export function intervalFor(span: number, maxDataPoints: number): number {
  return niceInterval(span / Math.max(1, maxDataPoints));
}
