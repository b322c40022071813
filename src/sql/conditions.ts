/**
 * One ad hoc filter as an SQL condition with bound values, shared by the `$__adhocFilters` macro and the
 * subquery push-down. Regex operators (`=~`, `!~`) are never pushed: a pattern from a request is not
 * handed to the database's backtracking engine; the server applies it with RE2 (src/series/saferegex.ts).
 *
 * `!=` and `!=|` keep rows whose column is NULL, as the server's label filters keep series without the
 * label: `(col IS NULL OR col <> ?)`.
 */
import type { AdhocFilter } from '../series/types';
import type { ParamList, Param } from './params';
import type { ResultColumn } from './types';

/** The values of a filter as they are bound for a column of `type`, or undefined when they do not fit it. */
function boundValues(filter: AdhocFilter, type: ResultColumn['type'] | undefined): Param[] | undefined {
  // As the server's filters read them (src/series/filters.ts): `[value]` when `values` is absent or empty.
  const raw =
    (filter.operator === '=|' || filter.operator === '!=|') && (filter.values?.length ?? 0) > 0
      ? (filter.values ?? [])
      : [filter.value];
  const ordered = filter.operator === '<' || filter.operator === '>';
  if (type === undefined) return [...raw];
  // The server orders text numerically when both sides are numbers, else by UTF-16 code units: no
  // collation of a database agrees (`'9' < '10'`), so a pushed-down order on text is left to the server.
  if (type === 'string') return ordered ? undefined : [...raw];
  if (type !== 'number') return undefined;
  const numbers = raw.map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (!numbers.every(Number.isFinite)) return undefined;
  // `=` compares as text on the server: `21.0` or ` 21` equals no cell 21, so only the number's own text is pushed.
  return ordered || numbers.every((n, i) => String(n) === raw[i]) ? numbers : undefined;
}

/**
 * The condition for `filter` on the column `col` (SQL), its values added to `params`; undefined when the
 * filter is not pushed (a regex operator; a column type its values do not fit, such as `temp < "warm"`
 * or a time column). `type` undefined (the `$__adhocFilters` macro) binds the values as text.
 */
export function filterCondition(
  filter: AdhocFilter,
  col: string,
  type: ResultColumn['type'] | undefined,
  params: ParamList,
): string | undefined {
  if (filter.operator === '=~' || filter.operator === '!~') return undefined;
  const values = boundValues(filter, type);
  if (values === undefined) return undefined;
  switch (filter.operator) {
    case '=':
    case '<':
    case '>':
      return `${col} ${filter.operator} ${params.add(values[0] ?? null)}`;
    case '!=':
      return `(${col} IS NULL OR ${col} <> ${params.add(values[0] ?? null)})`;
    case '=|':
      // An empty list matches nothing (`IN ()` is not SQL).
      return values.length === 0 ? '1=0' : `${col} IN (${values.map((v) => params.add(v)).join(', ')})`;
    case '!=|':
      return values.length === 0
        ? '1=1'
        : `(${col} IS NULL OR ${col} NOT IN (${values.map((v) => params.add(v)).join(', ')}))`;
  }
}
