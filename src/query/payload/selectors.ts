/**
 * Label selection through the payload: `{"City": ["Berlin", "Paris"]}` keeps the series whose `City`
 * label, and the table rows whose `City` cell, is one of the chosen values.
 *
 * - A selector key is a payload key that is neither built in (`aggregation`, `format`) nor declared by a
 *   metric of the selection, and that is a label key or a non-time column of at least one of them.
 *   Other keys are ignored: the builder keeps a field's value when the user switches to a metric without
 *   that field and lists it as "Unknown payload" (simpod QueryBuilder), so it must not fail the panel.
 * - Each chosen value is read like a target (series/match.ts): the value itself, Grafana's escaped form
 *   of it (`web\.01`), or an alternation (`(Berlin|Paris)`), so template variables work in builder mode.
 * - A series without the label, or a table without the column, is left out when that key selects:
 *   choosing `City = Berlin` asks for things that are in Berlin.
 * - Keys combine with AND; the values of one key with OR; an empty value list selects nothing away.
 */
import { PatternError, PayloadError } from '../../errors';
import { RESERVED_PAYLOAD_NAMES } from '../../registry/payloads';
import type { TableMetric, TimeSeriesMetric } from '../../registry/types';
import { type MatchOptions, matchTarget } from '../../series/match';
import type { Cell } from '../../series/types';
import type { Selection } from '../selection';
import { declaredFields } from './declared';
import { payloadEntries, payloadStrings } from './values';

/** The payload's label selection, compiled once for a target. */
export interface Selectors {
  /** The selecting keys with the exact values each allows. */
  readonly allowed: ReadonlyMap<string, ReadonlySet<string>>;
  keepsSeries(metric: TimeSeriesMetric): boolean;
  /** The rows of `table` that pass, or undefined when the table lacks a selecting column. */
  tableRows(table: TableMetric, rows: ReadonlyArray<readonly Cell[]>): Array<readonly Cell[]> | undefined;
}

function cellText(cell: Cell | undefined): string | undefined {
  return cell === null || cell === undefined ? undefined : String(cell);
}

function columnIndex(table: TableMetric, key: string): number {
  return table.columns.findIndex((c) => c.text === key && c.type !== 'time');
}

/** Whether `key` is a label of a series or a non-time column of a table of the selection. */
export function isSelectorKey(selection: Selection, key: string): boolean {
  return (
    selection.series.some((s) => Object.hasOwn(s.labels, key)) ||
    selection.tables.some((t) => columnIndex(t, key) !== -1)
  );
}

/** The distinct values of `key` among the labels and the cells of the selection, in first-seen order. */
export function distinctValues(selection: Selection, key: string): string[] {
  const values = new Set<string>();
  for (const s of selection.series) if (Object.hasOwn(s.labels, key)) values.add(s.labels[key] as string);
  for (const t of selection.tables) {
    const i = columnIndex(t, key);
    if (i === -1) continue;
    for (const row of t.rows) {
      const text = cellText(row[i]);
      if (text !== undefined) values.add(text);
    }
  }
  return [...values];
}

/** The exact values that `chosen` designates among `values`; a value that is no valid regex designates none. */
function designated(
  chosen: readonly string[],
  values: readonly string[],
  at: string,
  opts: MatchOptions,
): Set<string> {
  const out = new Set<string>();
  for (const value of chosen) {
    try {
      for (const v of matchTarget(value, values, { ...opts, field: at })) out.add(v);
    } catch (error) {
      // An over-long or broken `/regex/` is the user's to fix: say which payload entry holds it.
      if (error instanceof PatternError) throw new PayloadError(error.message, at);
      throw error;
    }
  }
  return out;
}

/**
 * Compiles the selector keys of `payload` for `selection`. `except` leaves one key out (the field whose
 * options /metric-payload-options is listing). Fields are named `<field>/<key>`.
 *
 * @throws PayloadError for a value that is not text, or a `/regex/` value that does not compile.
 */
export function compileSelectors(
  payload: Readonly<Record<string, unknown>>,
  selection: Selection,
  field: string,
  opts: MatchOptions = {},
  except?: string,
): Selectors {
  const declared = declaredFields(selection);
  const allowed = new Map<string, Set<string>>();
  for (const [key, raw] of payloadEntries(payload)) {
    if (key === except || RESERVED_PAYLOAD_NAMES.includes(key) || declared.has(key)) continue;
    if (!isSelectorKey(selection, key)) continue;
    const at = `${field}/${key}`;
    const chosen = payloadStrings(raw, at);
    if (chosen.length > 0) allowed.set(key, designated(chosen, distinctValues(selection, key), at, opts));
  }
  return {
    allowed,
    keepsSeries: (metric) =>
      [...allowed].every(([key, values]) => {
        const value = Object.hasOwn(metric.labels, key) ? metric.labels[key] : undefined;
        return value !== undefined && values.has(value);
      }),
    tableRows: (table, rows) => {
      const tests: Array<{ index: number; values: ReadonlySet<string> }> = [];
      for (const [key, values] of allowed) {
        const index = columnIndex(table, key);
        if (index === -1) return undefined;
        tests.push({ index, values });
      }
      if (tests.length === 0) return rows.slice();
      return rows.filter((row) =>
        tests.every(({ index, values }) => {
          const text = cellText(row[index]);
          return text !== undefined && values.has(text);
        }),
      );
    },
  };
}
