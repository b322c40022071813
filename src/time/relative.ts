/**
 * Grafana's relative time syntax (`now-6h`, `now-1d/d`, `now/w`, `now-1M`), evaluated in UTC.
 * Month and year steps and every rounding are calendar math done by date-fns on a UTCDate, so
 * `now-1M` from March 31 is the last day of February and `now/d` is UTC midnight, whatever the host's zone.
 */
import { UTCDate } from '@date-fns/utc';
import {
  addMonths,
  addYears,
  endOfDay,
  endOfHour,
  endOfISOWeek,
  endOfMinute,
  endOfMonth,
  endOfSecond,
  endOfYear,
  startOfDay,
  startOfHour,
  startOfISOWeek,
  startOfMinute,
  startOfMonth,
  startOfSecond,
  startOfYear,
} from 'date-fns';

type RelativeUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'y';

/** Units of fixed length in UTC (no DST in UTC, so a day is always 24 h). */
const FIXED_MS: Partial<Record<RelativeUnit, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const ROUND: Record<RelativeUnit, { start: (d: UTCDate) => UTCDate; end: (d: UTCDate) => UTCDate }> = {
  s: { start: startOfSecond, end: endOfSecond },
  m: { start: startOfMinute, end: endOfMinute },
  h: { start: startOfHour, end: endOfHour },
  d: { start: startOfDay, end: endOfDay },
  w: { start: startOfISOWeek, end: endOfISOWeek },
  M: { start: startOfMonth, end: endOfMonth },
  y: { start: startOfYear, end: endOfYear },
};

/** One operation: `+5m`, `-1M`, `-d` (Grafana reads a missing number as 1) or `/d`. */
const OPERATION = /^(?:([+-])(\d*)|\/)([smhdwMy])/;

/** The largest instant a Date can hold: results beyond it are refused rather than turned into NaN. */
const MAX_TIME = 8.64e15;

function shift(ms: number, amount: number, unit: RelativeUnit): number {
  const fixed = FIXED_MS[unit];
  if (fixed !== undefined) return ms + amount * fixed;
  const date = new UTCDate(ms);
  return (unit === 'M' ? addMonths(date, amount) : addYears(date, amount)).getTime();
}

/**
 * Evaluates `now` followed by any sequence of `+N<unit>`, `-N<unit>` and `/<unit>` against `now` (epoch
 * ms), left to right as Grafana does (so `now/d+8h` is 08:00 today). Units: s m h d w M y. Rounding goes
 * to the start of the unit, or with `roundUp` to its last millisecond (Grafana's rule for `to`, so
 * `now/d` as `to` covers the whole day). Weeks start on Monday (ISO 8601): Grafana follows the browser's
 * locale, which a server cannot know, and Monday is the international default.
 * Returns undefined when the text is not a well-formed relative time or leaves the Date range.
 */
export function parseRelative(text: string, now: number, roundUp: boolean): number | undefined {
  if (!text.startsWith('now')) return undefined;
  let ms = now;
  let rest = text.slice(3);
  while (rest !== '') {
    const match = OPERATION.exec(rest);
    if (match === null) return undefined;
    const [whole, sign, digits, unitText] = match;
    const unit = unitText as RelativeUnit;
    if (sign === undefined) {
      const round = ROUND[unit];
      ms = (roundUp ? round.end : round.start)(new UTCDate(ms)).getTime();
    } else {
      const amount = digits === '' || digits === undefined ? 1 : Number(digits);
      ms = shift(ms, sign === '-' ? -amount : amount, unit);
    }
    if (!(Math.abs(ms) <= MAX_TIME)) return undefined;
    rest = rest.slice(whole.length);
  }
  return ms;
}
