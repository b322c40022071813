/**
 * Query results as Grafana data frames (`{refId, name, fields: [{name, type, values, labels?, config?}]}`),
 * the shape `toDataFrame` takes as is (docs/client-contract.md §4) and the one Infinity and transformations handle best.
 *
 * A series becomes the frame Grafana itself builds from a timeserie: a `Time` field and a `Value` field
 * carrying the labels and the unit, so both formats render alike; the frame adds explicit field types and
 * `config.displayNameFromDS` (the name Grafana's data source API reserves for the source's own series
 * name, which a panel override may still replace). A table becomes one typed field per column.
 */
import type { WireField, WireFrame, WireNotices } from '../contract/responses';
import { gapToNull } from '../series/columnar';
import type { SeriesResult, TableResult } from './run';

/** The notices of a result: its warning, its source's error; undefined when it has none. */
export function metaOf(r: SeriesResult | TableResult): WireNotices | undefined {
  const notice = r.kind === 'timeserie' ? r.notice : undefined;
  if (notice === undefined && r.error === undefined) return undefined;
  const notices: WireNotices['notices'] = [];
  if (notice !== undefined) notices.push({ severity: 'warning', text: notice });
  if (r.error !== undefined) notices.push({ severity: 'error', text: r.error });
  return { notices };
}

/** A series as a two-field frame; gaps (NaN) become null. */
export function seriesFrame(r: SeriesResult): WireFrame {
  const { times, values } = r.points;
  const time = new Array<number>(times.length);
  const value = new Array<number | null>(values.length);
  for (let i = 0; i < times.length; i++) {
    time[i] = times[i] as number;
    value[i] = gapToNull(values[i] as number);
  }
  const config: NonNullable<WireField['config']> = { displayNameFromDS: r.target };
  if (r.unit !== undefined) config.unit = r.unit;
  const valueField: WireField = { name: 'Value', type: 'number', values: value, config };
  if (Object.keys(r.labels).length > 0) valueField.labels = { ...r.labels };
  const frame: WireFrame = {
    refId: r.refId,
    name: r.target,
    fields: [{ name: 'Time', type: 'time', values: time }, valueField],
  };
  const meta = metaOf(r);
  if (meta !== undefined) frame.meta = meta;
  return frame;
}

/** A table as one field per column, in column order. */
export function tableFrame(r: TableResult): WireFrame {
  const frame: WireFrame = {
    refId: r.refId,
    name: r.name,
    fields: r.columns.map((c, i) => ({
      name: c.text,
      type: c.type,
      values: r.rows.map((row) => row[i] ?? null),
    })),
  };
  const meta = metaOf(r);
  if (meta !== undefined) frame.meta = meta;
  return frame;
}
