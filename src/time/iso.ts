/**
 * A strict ISO 8601 / RFC 3339 reader for the forms Grafana and fixture files use. Written by hand so a
 * date-time without an offset is read as UTC on every machine: `Date.parse` would read it in the host's
 * zone, which would make the same request answer differently on two servers.
 */

/** `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and an offset (`Z`, `+02:00`, `-0530`, `+02`). */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** What parseIso found: an instant, a reason the text looks like ISO but is not a real date, or no match. */
export type IsoResult =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason?: string };

const NO_MATCH: IsoResult = { ok: false };

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function num(text: string | undefined): number {
  return text === undefined ? 0 : Number(text);
}

/**
 * Reads an ISO 8601 date (`2024-05-14`, midnight UTC) or date-time (`2024-05-14T09:00:00Z`,
 * `2024-05-14T09:00:00.123+02:00`, `2024-05-14 09:00`). No offset means UTC. Fractions of a second beyond
 * milliseconds are truncated. Calendar fields are range-checked (`2024-02-30` is refused, not rolled over).
 */
export function parseIso(text: string): IsoResult {
  const m = ISO.exec(text);
  if (m === null) return NO_MATCH;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const year = num(y);
  const month = num(mo);
  const day = num(d);
  const hour = num(h);
  const minute = num(mi);
  const second = num(s);
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12) return { ok: false, reason: `month ${mo} does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: `${y}-${mo} has no day ${d}` };
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, reason: 'the time of day is out of range' };
  let offsetMinutes = 0;
  if (zulu === undefined && sign !== undefined) {
    const offsetHours = num(oh);
    const offsetMins = num(om);
    if (offsetHours > 23 || offsetMins > 59) return { ok: false, reason: 'the UTC offset is out of range' };
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // setUTCFullYear rather than Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return { ok: true, ms: date.getTime() - offsetMinutes * 60_000 };
}
