/**
 * Ad hoc filter push-down: the author's (expanded) query becomes a subquery and the filters on its output
 * columns become a WHERE of bound values around it:
 *
 *     SELECT * FROM (<query>) AS adhoc_filtered WHERE "room" = $5 AND "temp" > $6
 *
 * The caller knows the columns (a previous result's, or a `LIMIT 0` probe it ran) and passes them; a filter
 * key is quoted only when it is exactly one of them (identifiers.ts). Not pushed, and returned:
 * - regex filters (`=~`, `!~`): the server applies them with RE2;
 * - filters whose values do not fit the column (`temp < "warm"`, a time or boolean column);
 * - filters on keys that are no column (the caller decides: labels held by the server only).
 *
 * MySQL and MariaDB may drop an ORDER BY inside a derived table: give `orderBy` (known columns) when the
 * order of rows matters (tables); series are sorted by time when shaped.
 */
import type { AdhocFilter } from '../series/types';
import { filterCondition } from './conditions';
import { quoteKnownColumn } from './identifiers';
import { skipNonCode } from './lexer';
import { ParamList } from './params';
import type { Dialect, ResultColumn, Statement } from './types';

export interface PushdownResult {
  readonly statement: Statement;
  /** Filters now in the WHERE. */
  readonly pushed: readonly AdhocFilter[];
  /** Filters on a column that stay for the server (regex operators, values that do not fit the column). */
  readonly remaining: readonly AdhocFilter[];
  /** Filters whose key is not a column of the query. */
  readonly notColumns: readonly AdhocFilter[];
}

export interface PushdownOptions {
  /** Known columns to order the outer query by, ascending. */
  readonly orderBy?: readonly string[];
}

/** `sql` without trailing semicolons, white space and comments (a subquery cannot end with `;`). */
export function stripTrailing(sql: string, dialect: Dialect): string {
  let end = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const skipped = skipNonCode(sql, i, dialect);
    if (skipped !== undefined) {
      // A comment is not content; a literal or quoted identifier is.
      if (!/^(--|#|\/\*)/.test(sql.slice(i, i + 2))) end = skipped;
      i = skipped;
      continue;
    }
    if (!/[\s;]/.test(c)) end = i + 1;
    i += 1;
  }
  return sql.slice(0, end);
}

/**
 * `statement` wrapped with the filters on `columns` as bound conditions (numbered after its own
 * parameters). With nothing to push and no `orderBy`, the statement is returned as it was.
 */
export function pushDownFilters(
  statement: Statement,
  dialect: Dialect,
  columns: readonly ResultColumn[],
  filters: readonly AdhocFilter[],
  options: PushdownOptions = {},
): PushdownResult {
  const names = columns.map((c) => c.name);
  const params = new ParamList(dialect, statement.params);
  const pushed: AdhocFilter[] = [];
  const remaining: AdhocFilter[] = [];
  const notColumns: AdhocFilter[] = [];
  const conditions: string[] = [];
  for (const filter of filters) {
    const column = columns.find((c) => c.name === filter.key);
    if (column === undefined) {
      notColumns.push(filter);
      continue;
    }
    const condition = filterCondition(
      filter,
      quoteKnownColumn(dialect, column.name, names),
      column.type,
      params,
    );
    if (condition === undefined) remaining.push(filter);
    else {
      conditions.push(condition);
      pushed.push(filter);
    }
  }
  const order = (options.orderBy ?? []).map((name) => quoteKnownColumn(dialect, name, names, 'orderBy'));
  if (conditions.length === 0 && order.length === 0) {
    return { statement, pushed, remaining, notColumns };
  }
  // The author's text may end in a `-- comment`: the subquery closes on a new line.
  let text = `SELECT * FROM (\n${stripTrailing(statement.text, dialect)}\n) AS adhoc_filtered`;
  if (conditions.length > 0) text += ` WHERE ${conditions.join(' AND ')}`;
  if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`;
  return { statement: { text, params: params.params }, pushed, remaining, notColumns };
}
