import type { WireFrame, WireSeries, WireTable } from '../contract/responses';
import { gapToNull } from '../series/columnar';
import { metaOf, seriesFrame, tableFrame } from './frames';
import type { QueryResult } from './run';

/** Results → the JSON array /query answers with (the top level is always an array: both clients map it). */
export function serializeResults(results: readonly QueryResult[]): Array<WireSeries | WireTable | WireFrame> {
  return results.map((r) => {
    if (r.kind === 'frame') return r.source.kind === 'table' ? tableFrame(r.source) : seriesFrame(r.source);
    if (r.kind === 'table') {
      const table: WireTable = {
        type: 'table',
        refId: r.refId,
        name: r.name,
        columns: r.columns.map((c) => ({ text: c.text, type: c.type })),
        rows: r.rows as unknown[][],
      };
      const meta = metaOf(r);
      if (meta !== undefined) table.meta = meta;
      return table;
    }
    const { times, values } = r.points;
    const datapoints = new Array<[number | null, number]>(times.length);
    for (let i = 0; i < times.length; i++) {
      datapoints[i] = [gapToNull(values[i] as number), times[i] as number];
    }
    const out: WireSeries = { target: r.target, refId: r.refId, datapoints };
    if (Object.keys(r.labels).length > 0) out.tags = { ...r.labels };
    if (r.unit !== undefined) out.unit = r.unit;
    const meta = metaOf(r);
    if (meta !== undefined) out.meta = meta;
    return out;
  });
}
