/**
 * Pushed points as CSV (POST /write with `text/csv`). A header row names the columns, in any order:
 *
 *     time,metric,value,room
 *     2024-05-14T09:00:00Z,room.temp,21.5,kitchen
 *     1715677260000,room.temp,21.7,kitchen
 *
 * or, with the metric given as the `metric` query parameter (`/write?metric=room.temp`), `time,value[,…]`.
 * Every other column is a label; an empty label cell leaves that label out of its row. Quoting is RFC 4180
 * (src/fixtures/csv.ts). `time` is epoch ms or ISO 8601 with a zone, empty for the server's `now`; `value` is
 * a decimal number (`21.5`, `-3`, `1.5e3`). Errors name the line: `line 3: value "n/a" is not a number`.
 */
import { FixtureError, WriteError } from '../errors';
import { type CsvRecord, parseCsv } from '../fixtures/csv';
import { describeValue } from '../time/describe';
import { BatchCollector, MAX_NAME_LENGTH, readPushTime } from './json-points';
import type { IngestBatch } from './types';

export interface CsvPointsOptions {
  /** Epoch ms given to a row with an empty time. */
  readonly now: number;
  /** The metric of every row, for a header without a `metric` column (the `?metric=` parameter). */
  readonly metric?: string | undefined;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const HEADER_HINT = 'time,metric,value[,labels…] (or time,value[,labels…] with the metric parameter)';

interface Columns {
  readonly time: number;
  readonly value: number;
  /** The column of the metric, or the metric of every row. */
  readonly metric: number | string;
  readonly labels: readonly (readonly [name: string, index: number])[];
}

/** Parses a CSV body into a batch; throws WriteError naming the line of the first problem. */
export function parseCsvPoints(text: string, options: CsvPointsOptions): IngestBatch {
  const given = options.metric;
  if (given !== undefined && (given.trim() === '' || given.length > MAX_NAME_LENGTH)) {
    throw new WriteError(
      `the metric parameter must be a name of 1 to ${MAX_NAME_LENGTH} characters, not ${describeValue(given)}`,
      'query/metric',
    );
  }
  const [head, ...rows] = readRecords(text);
  if (head === undefined) fail(1, `a header row is required: ${HEADER_HINT}`);
  const columns = readHeader(head, options.metric);
  const collector = new BatchCollector();
  for (const { line, fields } of rows) {
    const cell = (index: number): string => fields[index] as string;
    const timeCell = cell(columns.time).trim();
    let time = options.now;
    if (timeCell !== '') {
      const read = readPushTime(timeCell);
      if (!read.ok) fail(line, `time ${read.reason}`);
      time = read.ms;
    }
    const valueCell = cell(columns.value).trim();
    if (!NUMBER.test(valueCell)) fail(line, `value ${describeValue(valueCell)} is not a number`);
    const value = Number(valueCell);
    if (!Number.isFinite(value)) fail(line, `value ${describeValue(valueCell)} is not finite`);
    const metric = typeof columns.metric === 'string' ? columns.metric : cell(columns.metric).trim();
    if (metric === '') fail(line, 'metric is empty');
    if (metric.length > MAX_NAME_LENGTH) {
      fail(line, `metric ${describeValue(metric)} is longer than ${MAX_NAME_LENGTH} characters`);
    }
    const labels: [string, string][] = [];
    for (const [name, index] of columns.labels) {
      const label = cell(index);
      if (label === '') continue;
      if (label.length > MAX_NAME_LENGTH) {
        fail(line, `label ${describeValue(name)} is longer than ${MAX_NAME_LENGTH} characters`);
      }
      labels.push([name, label]);
    }
    const series = collector.series(metric, Object.fromEntries(labels));
    series.times.push(time);
    series.values.push(value);
  }
  return collector.batch();
}

function fail(line: number, message: string): never {
  throw new WriteError(`line ${line}: ${message}`, `body/line/${line}`);
}

/** parseCsv's records, its FixtureError (`body:3: …`) read back as the WriteError of that line. */
function readRecords(text: string): CsvRecord[] {
  try {
    return parseCsv(text, 'body');
  } catch (err) {
    const where = err instanceof FixtureError ? /^body:(\d+)$/.exec(err.file ?? '') : null;
    if (err instanceof FixtureError && where !== null) {
      fail(Number(where[1]), err.message.slice(`${err.file as string}: `.length));
    }
    throw err;
  }
}

function readHeader(head: CsvRecord, metric: string | undefined): Columns {
  const names = head.fields.map((name) => name.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') fail(head.line, `column ${i + 1} of the header has no name`);
    if (name.length > MAX_NAME_LENGTH) {
      fail(head.line, `column ${i + 1} of the header is longer than ${MAX_NAME_LENGTH} characters`);
    }
    if (seen.has(name)) fail(head.line, `duplicate column ${describeValue(name)} in the header`);
    seen.add(name);
  });
  const column = (name: string): number => {
    const index = names.indexOf(name);
    if (index === -1) {
      fail(
        head.line,
        `the header has no ${JSON.stringify(name)} column (found ${names.join(',')}): ${HEADER_HINT}`,
      );
    }
    return index;
  };
  const time = column('time');
  const value = column('value');
  let metricColumn: number | string;
  if (metric === undefined) {
    metricColumn = column('metric');
  } else {
    if (names.includes('metric')) {
      fail(
        head.line,
        'the header has a "metric" column and the metric parameter is given too: use one of them',
      );
    }
    metricColumn = metric;
  }
  const labels = names.flatMap((name, i) =>
    i === time || i === value || i === metricColumn ? [] : [[name, i] as const],
  );
  return { time, value, metric: metricColumn, labels };
}
