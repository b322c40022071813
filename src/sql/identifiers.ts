/**
 * Identifier quoting per dialect. Only names that are one of a known column list (a result's columns)
 * are ever quoted into a statement; any other name is refused, so nothing from a request reaches the
 * text except a name the database itself answered.
 */
import { ValidationError } from '../errors';
import type { Dialect } from './types';

/** Quotes `name` as an identifier: `"x"` (postgres, sqlite) or `` `x` `` (mysql), the quote doubled inside. */
export function quoteName(dialect: Dialect, name: string): string {
  if (name === '' || name.includes('\0')) {
    throw new ValidationError(`${JSON.stringify(name)} cannot be an SQL identifier`);
  }
  const quote = dialect === 'mysql' ? '`' : '"';
  return `${quote}${name.split(quote).join(quote + quote)}${quote}`;
}

/**
 * Quotes `name` if it is exactly one of `known` (case-sensitive: the names as the database answered them);
 * refuses anything else with a ValidationError naming `field`.
 */
export function quoteKnownColumn(
  dialect: Dialect,
  name: string,
  known: readonly string[],
  field = 'body/adhocFilters',
): string {
  if (!known.includes(name)) {
    throw new ValidationError(
      `column ${JSON.stringify(name)} is not one of the query's columns (${known.map((k) => JSON.stringify(k)).join(', ')})`,
      field,
    );
  }
  return quoteName(dialect, name);
}
