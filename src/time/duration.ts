/**
 * Durations as Grafana writes them (`500ms`, `10s`, `5m`, `1.5h`, `1h30m`), converted to milliseconds.
 * Only fixed-length units are accepted: a month or a year has no length in milliseconds, so `1M` and `1y`
 * are refused here (relative times such as `now-1M` are calendar math, see parse.ts).
 */
import { TimeParseError } from '../errors';
import { describeValue } from './describe';

/** Milliseconds per unit, longest first: the order compound durations must follow (`1h30m`, not `30m1h`). */
const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: readonly Unit[] = ['w', 'd', 'h', 'm', 's', 'ms'];

/** One `<number><unit>` term; `ms` is listed before `m` so `500ms` is not read as `500m` + `s`. */
const TERM = /^(\d+(?:\.\d+)?|\.\d+)(ms|w|d|h|m|s)/;
const HINT = '(use 500ms, 10s, 5m, 6h, 1d, 1w)';

function fail(field: string, value: unknown, reason?: string): never {
  const why = reason === undefined ? '' : `: ${reason}`;
  throw new TimeParseError(
    `${field}: cannot parse ${describeValue(value)} as a duration${why} ${HINT}`,
    field,
  );
}

/**
 * Parses a duration into milliseconds. A number is already milliseconds (finite, >= 0). A string is one
 * or more `<number><unit>` terms with units w, d, h, m, s, ms, longest unit first and each at most once
 * (`1h30m`, `1.5h`, `250ms`); surrounding whitespace is ignored. A unit-less string such as `"500"` is
 * refused rather than guessed at (Grafana intervals always carry a unit). `field` names the input in the
 * error message. Throws TimeParseError (code INVALID_TIME).
 */
export function parseDuration(text: string | number, field = 'duration'): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) fail(field, text, 'must be a finite number of milliseconds >= 0');
    return text;
  }
  if (typeof text !== 'string') fail(field, text);
  const source = text.trim();
  if (source === '') fail(field, text);
  if (/^\d*\.?\d+[My]$/.test(source)) fail(field, text, 'months and years have no fixed length');
  if (source.startsWith('-')) fail(field, text, 'must not be negative');

  let total = 0;
  let position = 0;
  let previousRank = -1;
  while (position < source.length) {
    const match = TERM.exec(source.slice(position));
    if (match === null) fail(field, text);
    const [whole, amount = '', unit = ''] = match;
    const rank = UNIT_ORDER.indexOf(unit as Unit);
    if (rank <= previousRank) fail(field, text, 'units must go from longest to shortest, each once');
    previousRank = rank;
    total += Number(amount) * UNIT_MS[unit as Unit];
    position += whole.length;
  }
  if (!Number.isFinite(total)) fail(field, text, 'too large');
  return total;
}
