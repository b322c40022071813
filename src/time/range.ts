/**
 * Resolves the time range of a Grafana request. Grafana sends the absolute range it computed in the
 * browser (`range.from`/`range.to`, ISO) and the text the user typed (`range.raw`, `rangeRaw`, e.g.
 * `now-6h`); the absolute one wins because it already reflects the dashboard's time zone.
 */
import { AppError } from '../errors';
import { type Clock, fixedClock } from './clock';
import { parseTime } from './parse';

/** An inclusive time range in epoch milliseconds: `from <= to`. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

interface RawBounds {
  readonly from?: unknown;
  readonly to?: unknown;
}

/** The `range` object of a Grafana query / annotation request, as far as it matters here. */
export interface RangeInput {
  from?: unknown;
  to?: unknown;
  raw?: { from?: unknown; to?: unknown };
}

/** Grafana's own default dashboard range. */
export const DEFAULT_RANGE = { from: 'now-6h', to: 'now' } as const;

type Bound = 'from' | 'to';

/** The first present candidate for one bound, with the name of the field it came from. */
function pick(
  bound: Bound,
  range: RangeInput | undefined,
  rangeRaw: RawBounds | undefined,
  defaults: RawBounds,
): { readonly value: unknown; readonly field: string } {
  const candidates: readonly [unknown, string][] = [
    [range?.[bound], `range.${bound}`],
    [range?.raw?.[bound], `range.raw.${bound}`],
    [rangeRaw?.[bound], `rangeRaw.${bound}`],
  ];
  for (const [value, field] of candidates) {
    // null counts as absent: some clients serialise a missing bound as null.
    if (value !== undefined && value !== null) return { value, field };
  }
  return { value: defaults[bound], field: `defaults.${bound}` };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Returns the request's range in epoch ms. Each bound is taken from the first present of `range.<bound>`,
 * `range.raw.<bound>`, `rangeRaw.<bound>` and `defaults.<bound>`; the first present value must parse
 * (a bad value is an error, not a reason to fall back). `to` rounds up (`now/d` ends at 23:59:59.999).
 * The clock is read once, so `now-6h` and `now` are exactly 6 h apart.
 * Throws TimeParseError (INVALID_TIME) naming the field, or AppError INVALID_RANGE when from > to.
 */
export function resolveRange(
  range: RangeInput | undefined,
  rangeRaw: RawBounds | undefined,
  clock: Clock,
  defaults: RawBounds = DEFAULT_RANGE,
): TimeRange {
  const now = fixedClock(clock());
  const fromInput = pick('from', range, rangeRaw, defaults);
  const toInput = pick('to', range, rangeRaw, defaults);
  const from = parseTime(fromInput.value, now, fromInput.field);
  const to = parseTime(toInput.value, now, toInput.field, { roundUp: true });
  if (from > to) {
    throw new AppError(
      'INVALID_RANGE',
      `${fromInput.field} (${iso(from)}) is after ${toInput.field} (${iso(to)})`,
      {
        field: 'range',
      },
    );
  }
  return { from, to };
}
