/**
 * The benchmark's stored series: `points` values at 1 s resolution ending at `end`, built straight into
 * columns (what a loader of a binary or columnar source would do). Values look like a sensor reading
 * (a daily cycle plus a slow drift, two decimals) with one gap every 10 000 points.
 */
import type { Columns } from '../src/series/types';

export function storedColumns(points: number, end: number): Columns {
  const { round, sin, PI } = Math;
  const times = new Float64Array(points);
  const values = new Float64Array(points);
  const start = end - (points - 1) * 1000;
  const day = (2 * PI) / 86_400;
  for (let i = 0; i < points; i++) {
    times[i] = start + i * 1000;
    values[i] =
      i % 10_000 === 9_999 ? Number.NaN : round((20 + 8 * sin(i * day) + (i % 600) / 100) * 100) / 100;
  }
  return { times, values };
}
