/**
 * One entry point for every time value the server accepts: epoch ms (number or numeric string),
 * ISO 8601 and Grafana relative times. Nothing here reads the host's time zone or clock: zone-less
 * date-times are UTC and `now` comes from the injected Clock.
 */
import { TimeParseError } from '../errors';
import type { Clock } from './clock';
import { describeValue } from './describe';
import { parseIso } from './iso';
import { parseRelative } from './relative';

/** The largest instant a Date can hold (±100,000,000 days around the epoch). */
const MAX_TIME = 8.64e15;
const EPOCH_MS = /^[+-]?\d+(?:\.\d+)?$/;
const HINT = '(use ISO 8601, epoch ms or now-6h)';

export interface ParseTimeOptions {
  /** Round `/unit` up to the unit's last millisecond instead of its start (Grafana does this for `to`). */
  readonly roundUp?: boolean;
}

function fail(field: string, value: unknown, reason?: string): never {
  const why = reason === undefined ? '' : `: ${reason}`;
  throw new TimeParseError(`${field}: cannot parse ${describeValue(value)} as a time${why} ${HINT}`, field);
}

function checkEpoch(ms: number, field: string, value: unknown): number {
  if (!Number.isFinite(ms)) fail(field, value, 'not a finite number');
  if (Math.abs(ms) > MAX_TIME) fail(field, value, 'outside the representable date range');
  return ms;
}

/**
 * Parses `value` into epoch milliseconds:
 * - a finite number, or a string of digits (`"1715677200000"`): epoch milliseconds;
 * - ISO 8601 (`2024-05-14`, `2024-05-14T09:00:00Z`, `…09:00:00.250+02:00`, `…09:00-0530`); a date or
 *   date-time without an offset is UTC, never the host's zone;
 * - Grafana relative times against `clock()`: `now`, `now-6h`, `now+1d`, `now-1d-2h`, `now-1M`, `now/d`,
 *   `now-1d/d`, `now/w` (weeks start on Monday), units s m h d w M y, calendar-correct in UTC. With
 *   `opts.roundUp`, `/unit` goes to the last millisecond of the unit, as Grafana does for `to`.
 * Surrounding whitespace is ignored. Anything else (booleans, objects, NaN, `yesterday`, `2024-02-30`)
 * throws TimeParseError (code INVALID_TIME) naming `field` and the value.
 */
export function parseTime(value: unknown, clock: Clock, field: string, opts: ParseTimeOptions = {}): number {
  if (typeof value === 'number') return checkEpoch(value, field, value);
  if (typeof value !== 'string') fail(field, value);
  const text = value.trim();
  if (EPOCH_MS.test(text)) return checkEpoch(Number(text), field, value);
  if (text.startsWith('now')) {
    const ms = parseRelative(text, clock(), opts.roundUp === true);
    if (ms === undefined) fail(field, value);
    return ms;
  }
  const iso = parseIso(text);
  if (!iso.ok) fail(field, value, iso.reason);
  return checkEpoch(iso.ms, field, value);
}
