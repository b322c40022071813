/**
 * Grafana ad hoc filters applied to series labels and table rows.
 *
 * Semantics, shared by series and tables:
 * - every filter must hold (AND);
 * - a filter whose key is not a label of the series, or not a column of the table, does not apply to
 *   it, so a `City` filter on a dashboard does not blank the panels that have no `City`;
 * - `=` / `!=` compare as strings: a number cell `5` equals `"5"`, `true` equals `"true"`, `null`
 *   equals `""`;
 * - `<` / `>` compare numerically when both sides parse as finite numbers, else by string order
 *   (UTF-16 code units), where a `null` cell is `""` and so sorts before any value;
 * - `=~` / `!~` are anchored (full-match) regexes on the linear-time engine, compiled once;
 * - `=|` / `!=|` (Grafana 11 multi-value) test membership in `values` (in `[value]` when `values` is
 *   absent or empty), with the `=` rules for each;
 * - time columns hold epoch ms and compare as numbers; an ISO date on either side
 *   (`2024-05-14T09:00:00Z`) is read as the epoch ms it denotes.
 */
import { ValidationError } from '../errors';
import { compileSafeRegex, type PatternOptions } from './saferegex';
import type { AdhocFilter, Cell, TableColumn } from './types';

/** Filters compiled once per request, then applied to every series or table of the response. */
export interface CompiledFilters {
  /** The keys the filters name. */
  readonly keys: ReadonlySet<string>;
  /** Whether a series with these labels passes every filter that applies to it. */
  matchesLabels(labels: Readonly<Record<string, string>>): boolean;
  /**
   * The rows passing every filter that applies to the table, in order. A new array holding the same
   * row objects: rows are never copied, changed or added.
   */
  filterRows(columns: readonly TableColumn[], rows: ReadonlyArray<readonly Cell[]>): Array<readonly Cell[]>;
}

/** The longest `=~` / `!~` pattern accepted (PatternOptions). */
export type CompileFiltersOptions = PatternOptions;

/**
 * The union of the legacy plugin's `adhocFilters` and Grafana ≥ 10.2's `filters`, which usually carry
 * the same filters twice (docs/client-contract.md §2.3). Deduplicated by key, operator, value and values; first
 * occurrence order kept. Missing lists are skipped.
 */
export function mergeFilters(...lists: ReadonlyArray<readonly AdhocFilter[] | undefined>): AdhocFilter[] {
  const seen = new Set<string>();
  const out: AdhocFilter[] = [];
  for (const list of lists) {
    for (const filter of list ?? []) {
      const identity = JSON.stringify([filter.key, filter.operator, filter.value, filter.values ?? null]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      out.push(filter);
    }
  }
  return out;
}

/** Tests one cell (or label value) against one filter. */
type CellTest = (cell: Cell, isTime: boolean) => boolean;

interface CompiledFilter {
  readonly key: string;
  readonly test: CellTest;
}

function cellText(cell: Cell): string {
  return cell === null ? '' : String(cell);
}

/** A finite number written as text (trimmed, as `Number` reads it), else undefined. */
function parseNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** Text as a time: epoch ms, or an ISO date (only ISO, since `Date.parse` guesses at anything else). */
function parseTime(text: string): number | undefined {
  const n = parseNumber(text);
  if (n !== undefined || !ISO_DATE.test(text)) return n;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function cellNumber(cell: Cell, isTime: boolean): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell === 'string') return isTime ? parseTime(cell) : parseNumber(cell);
  return undefined;
}

/** A filter operand read both ways once, so cells are not compared against a re-parsed value. */
interface Operand {
  readonly text: string;
  readonly number: number | undefined;
  readonly time: number | undefined;
}

function operand(text: string): Operand {
  return { text, number: parseNumber(text), time: parseTime(text) };
}

function equals(cell: Cell, isTime: boolean, value: Operand): boolean {
  if (isTime && value.time !== undefined && cellNumber(cell, true) === value.time) return true;
  return cellText(cell) === value.text;
}

/** Sign of `cell - value`: numeric when both sides are numbers, else string order. */
function compare(cell: Cell, isTime: boolean, value: Operand): number {
  const a = cellNumber(cell, isTime);
  const b = isTime ? value.time : value.number;
  if (a !== undefined && b !== undefined) return Math.sign(a - b);
  const text = cellText(cell);
  return text < value.text ? -1 : text > value.text ? 1 : 0;
}

function compileFilter(filter: AdhocFilter, index: number, maxLength: number | undefined): CellTest {
  const value = operand(filter.value);
  switch (filter.operator) {
    case '=':
      return (cell, isTime) => equals(cell, isTime, value);
    case '!=':
      return (cell, isTime) => !equals(cell, isTime, value);
    case '<':
      return (cell, isTime) => compare(cell, isTime, value) < 0;
    case '>':
      return (cell, isTime) => compare(cell, isTime, value) > 0;
    case '=~':
    case '!~': {
      const re = compileSafeRegex(filter.value, {
        anchored: true,
        field: `filters[${index}].value`,
        ...(maxLength === undefined ? {} : { maxLength }),
      });
      const wanted = filter.operator === '=~';
      return (cell) => re.test(cellText(cell)) === wanted;
    }
    case '=|':
    case '!=|': {
      const members = (
        filter.values !== undefined && filter.values.length > 0 ? filter.values : [filter.value]
      ).map(operand);
      const wanted = filter.operator === '=|';
      return (cell, isTime) => members.some((member) => equals(cell, isTime, member)) === wanted;
    }
    default:
      // Unreachable for schema-validated input; kept so a bad operator never passes silently.
      throw new ValidationError(
        `filters[${index}].operator ${JSON.stringify(filter.operator as string)} is not an ad hoc filter operator`,
        `filters[${index}].operator`,
      );
  }
}

/**
 * Compiles ad hoc filters once for a request (regexes included); see the module comment for the
 * semantics. An empty list lets everything through.
 *
 * @throws PatternError naming `filters[i].value` for an `=~` / `!~` pattern that is too long or does not
 *   compile on the linear-time engine.
 */
export function compileFilters(
  filters: readonly AdhocFilter[],
  opts: CompileFiltersOptions = {},
): CompiledFilters {
  const compiled: CompiledFilter[] = filters.map((filter, i) => ({
    key: filter.key,
    test: compileFilter(filter, i, opts.maxPatternLength),
  }));
  return {
    keys: new Set(filters.map((filter) => filter.key)),
    matchesLabels(labels) {
      return compiled.every((filter) => {
        // hasOwn: a key such as `constructor` must not find Object.prototype's members.
        const value = Object.hasOwn(labels, filter.key) ? labels[filter.key] : undefined;
        return value === undefined || filter.test(value, false);
      });
    },
    filterRows(columns, rows) {
      const applicable = compiled.flatMap((filter) => {
        const column = columns.findIndex((c) => c.text === filter.key);
        const type = columns[column]?.type;
        return type === undefined ? [] : [{ column, isTime: type === 'time', test: filter.test }];
      });
      if (applicable.length === 0) return rows.slice();
      return rows.filter((row) => applicable.every((f) => f.test(row[f.column] ?? null, f.isTime)));
    },
  };
}
