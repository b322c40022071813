/**
 * toSeries' grouping of a result held by column (columnar.ts): a row's group is a number made of its
 * label and metric cells' dictionary codes, and times and values are read from Float64Arrays, so no row
 * array, key text or cell conversion is made per row. Only for the columns it can read that way (a time
 * and values as numbers, labels and the metric as text); otherwise undefined, and shape.ts reads the rows.
 */
import type { NewGroup, SeriesRoles, ShapedSeries } from './shape';
import type { ColumnValues } from './types';

type Numbers = Extract<ColumnValues, { kind: 'numbers' }>;
type Strings = Extract<ColumnValues, { kind: 'strings' }>;

/** Group keys stay exact integers below this. */
const MAX_KEYS = 2 ** 52;

export function groupColumns(
  byColumn: readonly ColumnValues[],
  roles: SeriesRoles,
  toMs: (time: number) => number,
  newGroup: NewGroup,
): Iterable<ShapedSeries[]> | undefined {
  const time = byColumn[roles.timeAt];
  if (time?.kind !== 'numbers') return undefined;
  const values: Numbers[] = [];
  for (const at of roles.valueAt) {
    const column = byColumn[at];
    if (column?.kind !== 'numbers') return undefined;
    values.push(column);
  }
  // The metric column (if any) first, then the labels: each a digit of the key in its own base.
  const keyAt = roles.metricAt === -1 ? [...roles.labelAt] : [roles.metricAt, ...roles.labelAt];
  const keyColumns: Strings[] = [];
  const strides: number[] = [];
  let stride = 1;
  for (const at of keyAt) {
    const column = byColumn[at];
    if (column?.kind !== 'strings') return undefined;
    keyColumns.push(column);
    strides.push(stride);
    stride *= column.dictionary.length + 1;
    if (stride > MAX_KEYS) return undefined;
  }
  const text = (column: Strings, code: number): string | undefined =>
    code === 0 ? undefined : column.dictionary[code - 1];
  const metric = roles.metricAt === -1 ? undefined : keyColumns[0];
  const groups = new Map<number, ShapedSeries[]>();
  const length = time.values.length;
  for (let row = 0; row < length; row++) {
    if (time.nulls?.[row] === 1) continue;
    let key = 0;
    for (let k = 0; k < keyColumns.length; k++) {
      key += ((keyColumns[k] as Strings).codes[row] as number) * (strides[k] as number);
    }
    let group = groups.get(key);
    if (group === undefined) {
      const metricName = metric === undefined ? undefined : text(metric, metric.codes[row] as number);
      group = newGroup(metricName, (at) => {
        const column = byColumn[at] as Strings;
        return text(column, column.codes[row] as number);
      });
      groups.set(key, group);
    }
    const t = toMs(time.values[row] as number);
    for (let k = 0; k < values.length; k++) {
      const column = values[k] as Numbers;
      const v = column.values[row] as number;
      const s = group[k] as ShapedSeries;
      s.times.push(t);
      s.values.push(column.nulls?.[row] === 1 || !Number.isFinite(v) ? null : v);
    }
  }
  return groups.values();
}
