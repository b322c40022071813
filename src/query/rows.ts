/**
 * The `format: "rows"` answer: one flat JSON object per point and per table row, in one array. It is the
 * shape the Infinity data source's JSON parsers read as rows with no root selector, UQL or JSONata
 * (docs/grafana-plugins.md, "Infinity"):
 *
 * - a point of a series: `{"target": name, "time": epochMs, "value": number|null, ...labels}`; a label
 *   named `target`, `time` or `value` is written as `label_<name>` so it cannot hide those;
 * - a table row: `{column text: cell, ...}`, time cells as epoch ms.
 *
 * The text is built directly (like encode.ts), never through an object: a label or column named
 * `__proto__` stays a plain key.
 */
import type { Cell } from '../series/types';
import { jsonNumber } from './encode';
import type { QueryResult, SeriesResult, TableResult } from './run';

const RESERVED = new Set(['target', 'time', 'value']);

function labelsText(labels: Readonly<Record<string, string>>): string {
  let out = '';
  for (const [key, value] of Object.entries(labels)) {
    const name = RESERVED.has(key) ? `label_${key}` : key;
    out += `,${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  return out;
}

function seriesRows(r: SeriesResult, out: string[]): void {
  const head = `{"target":${JSON.stringify(r.target)},"time":`;
  const tail = `${labelsText(r.labels)}}`;
  const { times, values } = r.points;
  for (let i = 0; i < times.length; i++) {
    out.push(`${head}${jsonNumber(times[i] as number)},"value":${jsonNumber(values[i] as number)}${tail}`);
  }
}

function cellText(cell: Cell): string {
  return typeof cell === 'number' ? jsonNumber(cell) : JSON.stringify(cell);
}

function tableRows(r: TableResult, out: string[]): void {
  const keys = r.columns.map((c) => `${JSON.stringify(c.text)}:`);
  for (const row of r.rows) {
    let text = '{';
    keys.forEach((key, i) => {
      text += `${i === 0 ? '' : ','}${key}${cellText(row[i] ?? null)}`;
    });
    out.push(`${text}}`);
  }
}

/** The whole /query body for `format: "rows"`: every result's rows, in result order. */
export function encodeRows(results: readonly QueryResult[]): string {
  const out: string[] = [];
  for (const result of results) {
    const r = result.kind === 'frame' ? result.source : result;
    if (r.kind === 'table') tableRows(r, out);
    else seriesRows(r, out);
  }
  return `[${out.join(',')}]`;
}
