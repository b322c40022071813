/**
 * Value normalisation shared by the drivers: timestamps become epoch ms read as UTC whatever the
 * machine's time zone, exact numerics (numeric, decimal, bigint) become numbers.
 */

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ZONE_HOURS = /([+-]\d{2})$/;

/**
 * Epoch ms of a database timestamp text: `2024-03-01 12:00:00[.ffffff][+hh[:mm]]` or a bare date, UTC
 * unless it carries an offset. `infinity` and unparsable text answer null (no point can sit there).
 */
export function timestampMs(text: string): number | null {
  let iso = text.trim().replace(' ', 'T');
  if (DATE_ONLY.test(iso)) iso += 'T00:00:00';
  if (ZONE_HOURS.test(iso)) iso += ':00';
  else if (!/(?:Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** A decimal or big integer text as a number (precision beyond 2^53 is lost, as JSON would lose it). */
export function numeric(text: string): number | null {
  const value = Number(text);
  return Number.isNaN(value) && text.trim().toLowerCase() !== 'nan' ? null : value;
}
