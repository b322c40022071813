/**
 * The reader of a metric that has pushed points: each of its label sets is a series, sliced to the range
 * (the server buckets and filters). Pushed into a stored series of the fixtures, the stored points and the
 * pushed ones without labels are one series (a pushed point wins over a stored one at the same time).
 */
import { sliceRange } from '../series/columnar';
import type { Columns } from '../series/types';
import type { LabelCatalog, Prepared, SeriesData, SeriesReader } from '../sources/types';
import type { PointStore } from './memory';

const PREPARED: Prepared = Object.freeze({ clipped: true });

/** Two ascending series as one; at the same time `b` wins. */
function mergeSorted(a: Columns, b: Columns): Columns {
  const times = new Float64Array(a.times.length + b.times.length);
  const values = new Float64Array(times.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.times.length || j < b.times.length) {
    const ta = i < a.times.length ? (a.times[i] as number) : Infinity;
    const tb = j < b.times.length ? (b.times[j] as number) : Infinity;
    if (tb <= ta) {
      times[k] = tb;
      values[k++] = b.values[j++] as number;
      if (ta === tb) i++;
    } else {
      times[k] = ta;
      values[k++] = a.values[i++] as number;
    }
  }
  return { times: times.subarray(0, k), values: values.subarray(0, k) };
}

export function pushedReader(store: PointStore, metric: string, stored?: Columns): SeriesReader {
  const labels: LabelCatalog = {
    keys: () => {
      const keys = new Set<string>();
      for (const s of store.seriesOf(metric)) for (const k of Object.keys(s.labels)) keys.add(k);
      return Promise.resolve([...keys].sort());
    },
    values: (key, limit) => {
      const values = new Set<string>();
      for (const s of store.seriesOf(metric)) {
        const v = s.labels[key];
        if (v !== undefined) values.add(v);
      }
      return Promise.resolve([...values].sort().slice(0, limit));
    },
  };
  const readNow = (request: { readonly range: { from: number; to: number } }) => {
    const series: SeriesData[] = [];
    let storedMerged = stored === undefined;
    for (const buffer of store.seriesOf(metric)) {
      // Copied: a later write may move or grow the buffer while this answer is still being encoded.
      const own = buffer.slice(request.range);
      let cols: Columns = { times: own.times.slice(), values: own.values.slice() };
      if (!storedMerged && Object.keys(buffer.labels).length === 0 && stored !== undefined) {
        cols = mergeSorted(sliceRange(stored, request.range), cols);
        storedMerged = true;
      }
      series.push({ labels: buffer.labels, times: cols.times, values: cols.values });
    }
    if (!storedMerged && stored !== undefined) series.unshift(sliceRange(stored, request.range));
    return { series };
  };
  return {
    prepared: PREPARED,
    describe: 'pushed points',
    labels,
    readNow,
    read: (request) => Promise.resolve(readNow(request)),
  };
}
