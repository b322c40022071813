/**
 * The source of "now". Everything that resolves relative times (`now-6h`) takes a Clock instead of calling
 * `Date.now()` itself, so tests can pin the instant and the server reads the time in exactly one place.
 */

/** Returns the current instant in epoch milliseconds. */
export type Clock = () => number;

/** The real clock (`Date.now`). */
export const systemClock: Clock = () => Date.now();

/** A clock stopped at `ms` (epoch milliseconds): for tests, and to read the time once per request. */
export function fixedClock(ms: number): Clock {
  return () => ms;
}
