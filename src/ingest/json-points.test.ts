import { WriteError } from '../errors';
import { parseJsonPoints, readPushTime } from './json-points';
import type { IngestBatch } from './types';
import { thrownFacts } from '../../test/support/app-error';

const NOW = 1_715_677_200_000;
const parse = (value: unknown): IngestBatch => parseJsonPoints(value, { now: NOW });

const failure = (run: () => unknown) => thrownFacts(run, WriteError);

describe('parseJsonPoints: accepted shapes', () => {
  it.each<[string, unknown, IngestBatch]>([
    [
      'one series of [value, time] pairs (the fixture order), a pair without time at now',
      {
        metric: 'room.temp',
        labels: { room: 'kitchen' },
        points: [[21.5, 1715677200000], [21.7, '2024-05-14T09:01:00Z'], [21.6]],
      },
      {
        series: [
          {
            metric: 'room.temp',
            labels: { room: 'kitchen' },
            times: [1715677200000, 1715677260000, NOW],
            values: [21.5, 21.7, 21.6],
          },
        ],
        points: 3,
      },
    ],
    [
      'an array of series; the same metric and labels in any key order merge',
      [
        { metric: 'room.temp', labels: { room: 'kitchen', floor: '0' }, points: [[1, 1000]] },
        { metric: 'room.humidity', points: [[55, 1000]] },
        { metric: 'room.temp', labels: { floor: '0', room: 'kitchen' }, points: [[2, 2000]] },
      ],
      {
        series: [
          {
            metric: 'room.temp',
            labels: { floor: '0', room: 'kitchen' },
            times: [1000, 2000],
            values: [1, 2],
          },
          { metric: 'room.humidity', labels: {}, times: [1000], values: [55] },
        ],
        points: 3,
      },
    ],
    [
      'one object per point; no time is now',
      {
        points: [
          { metric: 'room.temp', labels: { room: 'kitchen' }, time: 1715677200000, value: 21.5 },
          { metric: 'room.temp', labels: { room: 'hall' }, time: '2024-05-14T11:00:00+02:00', value: 19 },
          { metric: 'room.temp', labels: { room: 'kitchen' }, value: -0.5 },
        ],
      },
      {
        series: [
          {
            metric: 'room.temp',
            labels: { room: 'kitchen' },
            times: [1715677200000, NOW],
            values: [21.5, -0.5],
          },
          { metric: 'room.temp', labels: { room: 'hall' }, times: [1715677200000], values: [19] },
        ],
        points: 3,
      },
    ],
    ['an empty array', [], { series: [], points: 0 }],
    ['a series without points', { metric: 'm', points: [] }, { series: [], points: 0 }],
    ['no point objects', { points: [] }, { series: [], points: 0 }],
  ])('%s', (_name, body, expected) => {
    expect(parse(body)).toEqual(expected);
  });

  it('sorts labels by key', () => {
    const [series] = parse({ metric: 'm', labels: { z: '1', a: '2', m: '3' }, points: [[1]] }).series;
    expect(Object.keys(series?.labels ?? {})).toEqual(['a', 'm', 'z']);
  });

  it('keeps a __proto__ label of a decoded body as a label', () => {
    const [series] = parse(JSON.parse('{"metric":"m","labels":{"__proto__":"x"},"points":[[1]]}')).series;
    expect(Object.keys(series?.labels ?? {})).toEqual(['__proto__']);
  });
});

describe('readPushTime', () => {
  it.each<[unknown, number]>([
    [1715677200000, 1715677200000],
    [-5, -5],
    [-0, 0],
    ['1715677200000', 1715677200000],
    [' 1715677200000 ', 1715677200000],
    ['2024-05-14T09:00:00Z', 1715677200000],
    ['2024-05-14t09:00:00z', 1715677200000],
    ['2024-05-14T09:00:00.250Z', 1715677200250],
    ['2024-05-14T11:00:00+02:00', 1715677200000],
    ['2024-05-14T03:30:00-0530', 1715677200000],
    ['2024-05-14T11:00+02', 1715677200000],
    ['2024-05-14 09:00:00Z', 1715677200000],
  ])('%j → %d', (value, ms) => {
    expect(readPushTime(value)).toEqual({ ok: true, ms });
    const read = readPushTime(value);
    expect(read.ok && Object.is(read.ms, -0)).toBe(false);
  });

  it.each<[unknown, string]>([
    ['2024-05-14T09:00:00', 'needs a zone: "2024-05-14T09:00:00" (add Z or an offset such as +02:00)'],
    ['2024-05-14', 'needs a zone: "2024-05-14" (add Z or an offset such as +02:00)'],
    ['2024-02-30T00:00:00Z', 'is not a time: "2024-02-30T00:00:00Z": 2024-02 has no day 30'],
    [1.5, 'must be whole epoch milliseconds, not 1.5'],
    [1e300, 'is out of range: 1e+300 (epoch ms must be a safe integer)'],
    ['99999999999999999999', 'is out of range: "99999999999999999999" (epoch ms must be a safe integer)'],
    [Number.NaN, 'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not NaN'],
    [
      Infinity,
      'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not Infinity',
    ],
    [
      'yesterday',
      'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not "yesterday"',
    ],
    [
      'now-5m',
      'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not "now-5m"',
    ],
    [true, 'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not true'],
    [null, 'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z", not null'],
  ])('%j is refused', (value, reason) => {
    expect(readPushTime(value)).toEqual({ ok: false, reason });
  });
});

const TIME_HINT = 'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z"';

describe('parseJsonPoints: errors name the JSON path', () => {
  it.each<[string, unknown, string, string]>([
    [
      'a number',
      5,
      'body',
      'body must be a series {"metric", "labels", "points": [[value, time], …]}, an array of them, or {"points": [{"metric", "labels", "time", "value"}, …]}',
    ],
    [
      'an empty object',
      {},
      'body',
      'body must be a series {"metric", "labels", "points": [[value, time], …]}, an array of them, or {"points": [{"metric", "labels", "time", "value"}, …]}',
    ],
    ['an array of numbers', [5], 'body/0', 'body/0 must be an object {"metric", "labels", "points"}'],
    [
      'an empty metric',
      [{ metric: '', points: [] }],
      'body/0/metric',
      'body/0/metric must be a non-empty string',
    ],
    ['a numeric metric', { metric: 5, points: [] }, 'body/metric', 'body/metric must be a non-empty string'],
    [
      'a metric past 256 characters',
      { metric: 'm'.repeat(257), points: [] },
      'body/metric',
      'body/metric is longer than 256 characters',
    ],
    [
      'labels as an array',
      { metric: 'm', labels: [], points: [] },
      'body/labels',
      'body/labels must be an object of strings, such as {"room": "kitchen"}',
    ],
    [
      'a numeric label',
      { metric: 'm', labels: { room: 1 }, points: [] },
      'body/labels/room',
      'body/labels/room must be a string',
    ],
    [
      'an empty label key',
      { metric: 'm', labels: { '': 'x' }, points: [] },
      'body/labels',
      'body/labels has an empty key',
    ],
    [
      'a label value past 256 characters',
      { metric: 'm', labels: { room: 'r'.repeat(257) }, points: [] },
      'body/labels/room',
      'body/labels/room is longer than 256 characters',
    ],
    [
      'a label key past 256 characters',
      { metric: 'm', labels: { ['k'.repeat(257)]: 'x' }, points: [] },
      'body/labels',
      'body/labels has a key longer than 256 characters',
    ],
    ['no points', { metric: 'm' }, 'body/points', 'body/points must be an array of [value, time] pairs'],
    [
      'a triple',
      { metric: 'm', points: [[1, 2, 3]] },
      'body/points/0',
      'body/points/0 must be a [value, time] pair (or [value], at the time of the request)',
    ],
    [
      'an empty pair',
      { metric: 'm', points: [[]] },
      'body/points/0',
      'body/points/0 must be a [value, time] pair (or [value], at the time of the request)',
    ],
    [
      'a text value at index 3',
      [
        {
          metric: 'm',
          points: [
            [1, 1],
            [1, 2],
            [1, 3],
            ['x', 4],
          ],
        },
      ],
      'body/0/points/3/0',
      'body/0/points/3/0 must be a finite number',
    ],
    [
      'a null value',
      { metric: 'm', points: [[null, 1]] },
      'body/points/0/0',
      'body/points/0/0 must be a finite number',
    ],
    [
      'a NaN value',
      { metric: 'm', points: [[Number.NaN, 1]] },
      'body/points/0/0',
      'body/points/0/0 must be a finite number',
    ],
    [
      'a zone-less time',
      { metric: 'm', points: [[1, '2024-05-14T09:00:00']] },
      'body/points/0/1',
      'body/points/0/1 needs a zone: "2024-05-14T09:00:00" (add Z or an offset such as +02:00)',
    ],
    [
      'a null time',
      { metric: 'm', points: [[1, null]] },
      'body/points/0/1',
      `body/points/0/1 ${TIME_HINT}, not null`,
    ],
    [
      'an unknown key',
      { metric: 'm', tags: {}, points: [] },
      'body/tags',
      'body/tags is not a known key (known: metric, labels, points)',
    ],
    [
      'point objects that are pairs',
      { points: [[1, 2]] },
      'body/points/0',
      'body/points/0 must be an object {"metric", "labels", "time", "value"} (for [value, time] pairs, give "metric" beside "points")',
    ],
    [
      'point objects not in an array',
      { points: 5 },
      'body/points',
      'body/points must be an array of {"metric", "labels", "time", "value"}',
    ],
    [
      'a key beside point objects',
      { points: [], x: 1 },
      'body/x',
      'body/x is not a known key (known: points)',
    ],
    [
      'a point object without value',
      { points: [{ metric: 'm' }] },
      'body/points/0/value',
      'body/points/0/value must be a finite number',
    ],
    [
      'a point object without metric',
      { points: [{ value: 1 }] },
      'body/points/0/metric',
      'body/points/0/metric must be a non-empty string',
    ],
    [
      'a point object with a bad time',
      { points: [{ metric: 'm', value: 1, time: 'soon' }] },
      'body/points/0/time',
      `body/points/0/time ${TIME_HINT}, not "soon"`,
    ],
    [
      'a point object with an unknown key',
      { points: [{ metric: 'm', value: 1, timestamp: 5 }] },
      'body/points/0/timestamp',
      'body/points/0/timestamp is not a known key (known: metric, labels, time, value)',
    ],
  ])('%s', (_name, body, field, message) => {
    expect(failure(() => parse(body))).toEqual({ name: 'WriteError', code: 'INVALID_WRITE', message, field });
  });
});
