import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DatabaseUnavailableError } from '../../src/errors';
import { createApp } from '../../src/process/app';
import { Registry } from '../../src/registry/registry';
import type { ReadRequest, SeriesAnswer } from '../../src/sources/types';
import { fixedClock } from '../../src/time/clock';
import { FROM, HOUR, MINUTE, NOW } from '../helpers';

const range = { from: new Date(FROM).toISOString(), to: new Date(NOW).toISOString() };

function query(targets: string[], extra: Record<string, unknown> = {}) {
  return {
    range,
    maxDataPoints: 100,
    intervalMs: MINUTE,
    targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })),
    ...extra,
  };
}

function logCollector() {
  const errors: Array<{ message: string; error: unknown }> = [];
  return { errors, logger: { error: (message: string, error?: unknown) => errors.push({ message, error }) } };
}

function appWith(registry: Registry, options: Record<string, unknown> = {}) {
  return createApp({ registry, clock: fixedClock(NOW), ...options });
}

const T1 = FROM + HOUR;

describe('POST /query on a time series read by an async function', () => {
  it.each<[string, SeriesAnswer]>([
    [
      'datapoints',
      [
        [1, T1],
        [null, T1 + MINUTE],
        [3, T1 + 2 * MINUTE],
      ],
    ],
    ['columns', { times: [T1, T1 + MINUTE, T1 + 2 * MINUTE], values: [1, null, 3] }],
    [
      'typed columns',
      { times: Float64Array.of(T1, T1 + MINUTE, T1 + 2 * MINUTE), values: Float64Array.of(1, Number.NaN, 3) },
    ],
    ['one series', { series: [{ times: [T1, T1 + MINUTE, T1 + 2 * MINUTE], values: [1, null, 3] }] }],
    [
      'long rows with Date times',
      {
        rows: [
          { time: new Date(T1), v: 1 },
          { time: new Date(T1 + MINUTE), v: null },
          { time: T1 + 2 * MINUTE, v: 3 },
        ],
      },
    ],
    [
      'unsorted datapoints',
      [
        [3, T1 + 2 * MINUTE],
        [1, T1],
        [null, T1 + MINUTE],
      ],
    ],
  ])('answers %s as one series, gaps as null', async (_shape, answer) => {
    const registry = new Registry();
    registry.addTimeSeries({ name: 'room', labels: { site: 'plant' }, read: () => Promise.resolve(answer) });
    const res = await request(appWith(registry))
      .post('/query')
      .send(query(['room']))
      .expect(200);
    expect(res.body).toEqual([
      {
        target: 'room',
        refId: 'A',
        tags: { site: 'plant' },
        datapoints: [
          [1, T1],
          [null, T1 + MINUTE],
          [3, T1 + 2 * MINUTE],
        ],
      },
    ]);
  });

  it('passes the request to the source: metric, range, interval, cap, aggregation, filters, payload, refId, signal', async () => {
    const seen: ReadRequest[] = [];
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'room',
      aggregation: 'max',
      read: (req) => (seen.push(req), Promise.resolve([])),
    });
    await request(appWith(registry))
      .post('/query')
      .send({
        ...query(['room']),
        adhocFilters: [{ key: 'site', operator: '=', value: 'plant' }],
        targets: [{ refId: 'Q', target: 'room', payload: { x: 1 } }],
      })
      .expect(200);
    const [req] = seen;
    expect({ ...req, signal: req?.signal instanceof AbortSignal }).toEqual({
      metric: 'room',
      range: { from: FROM, to: NOW },
      intervalMs: MINUTE,
      maxDataPoints: 100,
      aggregation: 'max',
      filters: [{ key: 'site', operator: '=', value: 'plant' }],
      payload: { x: 1 },
      refId: 'Q',
      signal: true,
    });
  });

  it('clips a naive source to the range and buckets it with the metric aggregation', async () => {
    // One point a minute from FROM - 1 h to NOW + 1 h: 481 points, 361 of them in the range.
    const times = Array.from({ length: 481 }, (_, i) => FROM - HOUR + i * MINUTE);
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'naive',
      aggregation: 'max',
      read: () => Promise.resolve({ times, values: times.map((t) => t / MINUTE) }),
    });
    const res = await request(appWith(registry))
      .post('/query')
      .send(query(['naive'], { maxDataPoints: 7, intervalMs: HOUR }))
      .expect(200);
    const points = (res.body as Array<{ datapoints: Array<[number, number]> }>)[0]?.datapoints ?? [];
    // Hourly buckets 09:00 … 15:00, each the max of its points inside the range: the minute before the
    // next hour, and NOW alone for 15:00; nothing of the hour before FROM or after NOW.
    const hours = [0, 1, 2, 3, 4, 5, 6].map((i) => FROM + i * HOUR);
    expect(points).toEqual(hours.map((t) => [(t === NOW ? NOW : t + HOUR - MINUTE) / MINUTE, t]));
  });

  it('keeps what the source says it did: no clip when clipped, no filter when filtered', async () => {
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'prepared',
      source: {
        kind: 'reader',
        reader: {
          prepared: { clipped: true, filtered: true },
          read: () =>
            Promise.resolve({
              series: [{ labels: { room: 'attic' }, times: [FROM - HOUR, T1], values: [1, 2] }],
            }),
        },
      },
    });
    const body = query(['prepared'], { adhocFilters: [{ key: 'room', operator: '=', value: 'kitchen' }] });
    const res = await request(appWith(registry)).post('/query').send(body).expect(200);
    expect(res.body).toEqual([
      {
        target: 'prepared',
        refId: 'A',
        tags: { room: 'attic' },
        datapoints: [
          [1, FROM - HOUR],
          [2, T1],
        ],
      },
    ]);
  });

  it('turns long-format rows into one series per label set, the labels being ad hoc filter keys', async () => {
    const rows = [
      { time: T1, room: 'kitchen', temp: 21 },
      { time: T1, room: 'attic', temp: 30 },
      { time: T1 + MINUTE, room: 'kitchen', temp: 22 },
    ];
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'rooms',
      labels: { site: 'plant' },
      read: () => Promise.resolve({ rows }),
    });
    const app = appWith(registry);
    const all = await request(app)
      .post('/query')
      .send(query(['rooms']))
      .expect(200);
    expect(all.body).toEqual([
      {
        target: 'rooms{room="kitchen"}',
        refId: 'A',
        tags: { site: 'plant', room: 'kitchen' },
        datapoints: [
          [21, T1],
          [22, T1 + MINUTE],
        ],
      },
      {
        target: 'rooms{room="attic"}',
        refId: 'A',
        tags: { site: 'plant', room: 'attic' },
        datapoints: [[30, T1]],
      },
    ]);
    const filtered = await request(app)
      .post('/query')
      .send(query(['rooms'], { adhocFilters: [{ key: 'room', operator: '=', value: 'attic' }] }))
      .expect(200);
    expect(filtered.body).toEqual([
      {
        target: 'rooms{room="attic"}',
        refId: 'A',
        tags: { site: 'plant', room: 'attic' },
        datapoints: [[30, T1]],
      },
    ]);
  });

  it('gives several value columns one series each, named by a __value label', async () => {
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'hvac',
      read: () => Promise.resolve({ rows: [{ time: T1, temp: 21, humidity: 40 }] }),
    });
    const res = await request(appWith(registry))
      .post('/query')
      .send(query(['hvac']))
      .expect(200);
    expect(res.body).toEqual([
      { target: 'hvac{__value="temp"}', refId: 'A', tags: { __value: 'temp' }, datapoints: [[21, T1]] },
      {
        target: 'hvac{__value="humidity"}',
        refId: 'A',
        tags: { __value: 'humidity' },
        datapoints: [[40, T1]],
      },
    ]);
  });
});

describe('POST /query with failing sources', () => {
  function registryWithFailure(read: () => Promise<SeriesAnswer>) {
    const registry = new Registry();
    registry.addTimeSeries({ name: 'good', read: () => Promise.resolve([[1, T1]]) });
    registry.addTimeSeries({ name: 'room.temperature', read });
    return registry;
  }

  it('answers the other targets and gives the failing one an empty result with an error notice, logged once', async () => {
    const { errors, logger } = logCollector();
    const cause = new Error('ECONNREFUSED 10.0.0.7:5432');
    const registry = registryWithFailure(() =>
      Promise.reject(new DatabaseUnavailableError('plant', 'connection refused', cause)),
    );
    const res = await request(appWith(registry, { logger }))
      .post('/query')
      .send(query(['good', 'room.temperature']))
      .expect(200);
    const text = 'metric "room.temperature": database "plant" is unreachable: connection refused';
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      {
        target: 'room.temperature',
        refId: 'B',
        datapoints: [],
        meta: { notices: [{ severity: 'error', text }] },
      },
    ]);
    expect(errors).toEqual([{ message: text, error: expect.any(DatabaseUnavailableError) }]);
  });

  it('shows the error notice on frames too', async () => {
    const registry = registryWithFailure(() => Promise.reject(new Error('secret detail')));
    const res = await request(appWith(registry, { logger: logCollector().logger }))
      .post('/query')
      .send({
        ...query([]),
        targets: [
          { refId: 'A', target: 'good', payload: { format: 'frames' } },
          { refId: 'B', target: 'room.temperature', payload: { format: 'frames' } },
        ],
      })
      .expect(200);
    const text = 'metric "room.temperature": read() failed (the cause is in the server log)';
    expect((res.body as Array<{ meta?: unknown }>)[1]?.meta).toEqual({
      notices: [{ severity: 'error', text }],
    });
    expect(JSON.stringify(res.body)).not.toContain('secret detail');
  });

  it('answers 502 JSON with the first error when every target failed', async () => {
    const { errors, logger } = logCollector();
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'a',
      read: () => {
        throw new Error('sync throw');
      },
    });
    registry.addTimeSeries({ name: 'b', read: () => Promise.reject(new Error('rejected')) });
    const res = await request(appWith(registry, { logger }))
      .post('/query')
      .send(query(['a', 'b']))
      .expect(502);
    const message = 'metric "a": read() failed (the cause is in the server log)';
    expect(res.body).toEqual({ message, code: 'SOURCE_FAILED', error: { code: 'SOURCE_FAILED', message } });
    expect(errors.map((e) => [e.message, (e.error as Error).message])).toEqual([
      [message, 'sync throw'],
      ['metric "b": read() failed (the cause is in the server log)', 'rejected'],
    ]);
  });

  it.each<[string, unknown, string]>([
    ['a point without a time', [[1, null]], 'a point without a time at point 0'],
    ['a row without a time', { rows: [{ v: 1 }] }, 'a point without a time at row 0'],
    ['a string value', { times: [T1], values: ['1'] }, 'a value that is not a number or null at point 0'],
    ['columns of different lengths', { times: [T1, T1], values: [1] }, '2 times and 1 values'],
    ['a string', 'hello', 'string, not datapoints, columns, series or rows'],
    [
      'a label that is no string',
      { series: [{ labels: { n: 1 }, times: [], values: [] }] },
      'label "n" that is not a string (series 0)',
    ],
  ])('names the metric and the fault of a bad answer: %s', async (_name, answer, what) => {
    const registry = new Registry();
    registry.addTimeSeries({ name: 'x', read: () => Promise.resolve(answer as SeriesAnswer) });
    const res = await request(appWith(registry, { logger: logCollector().logger }))
      .post('/query')
      .send(query(['x']))
      .expect(502);
    expect(res.body).toMatchObject({
      code: 'SOURCE_FAILED',
      message: `read() of metric "x" answered ${what}`,
    });
  });

  it('answers 504 within the request timeout when a source never answers, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'stuck',
      read: (req) => ((signal = req.signal), new Promise<SeriesAnswer>(() => {})),
    });
    const started = Date.now();
    const res = await request(appWith(registry, { requestTimeout: 200, logger: logCollector().logger }))
      .post('/query')
      .send(query(['stuck']))
      .expect(504);
    expect(Date.now() - started).toBeLessThan(2000);
    const message = 'metric "stuck": no answer within the request timeout of 200 ms';
    expect(res.body).toEqual({ message, code: 'SOURCE_TIMEOUT', error: { code: 'SOURCE_TIMEOUT', message } });
    expect(signal?.aborted).toBe(true);
  });

  it('answers the sources that did answer when another one times out', async () => {
    const registry = registryWithFailure(() => new Promise<SeriesAnswer>(() => {}));
    const res = await request(appWith(registry, { requestTimeout: 200, logger: logCollector().logger }))
      .post('/query')
      .send(query(['good', 'room.temperature']))
      .expect(200);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      {
        target: 'room.temperature',
        refId: 'B',
        datapoints: [],
        meta: {
          notices: [
            {
              severity: 'error',
              text: 'metric "room.temperature": no answer within the request timeout of 200 ms',
            },
          ],
        },
      },
    ]);
  });

  it('aborts the signal when the client goes away', async () => {
    let reached!: (signal: AbortSignal) => void;
    const reading = new Promise<AbortSignal>((resolve) => (reached = resolve));
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'slow',
      read: (req) => (reached(req.signal), new Promise<SeriesAnswer>(() => {})),
    });
    const { errors, logger } = logCollector();
    const server = createServer(appWith(registry, { logger })).listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const client = httpRequest({
        port,
        method: 'POST',
        path: '/query',
        headers: { 'content-type': 'application/json' },
      });
      client.on('error', () => {});
      client.end(JSON.stringify(query(['slow'])));
      const signal = await reading;
      expect(signal.aborted).toBe(false);
      const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      client.destroy();
      await aborted;
      expect(signal.aborted).toBe(true);
      expect(errors).toEqual([]); // nobody to tell and nothing failed: not logged
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('POST /query on a table read by an async function', () => {
  it.each([
    [
      'cells',
      {
        columns: [
          { text: 'time', type: 'time' },
          { text: 'room', type: 'string' },
          { text: 'temp', type: 'number' },
        ],
        rows: [
          [T1, 'kitchen', 21],
          [FROM - HOUR, 'kitchen', 20],
          [new Date(T1 + MINUTE), 'attic', 30],
        ],
      },
    ],
    [
      'row objects',
      {
        rows: [
          { time: T1, room: 'kitchen', temp: 21 },
          { time: FROM - HOUR, room: 'kitchen', temp: 20 },
          { time: new Date(T1 + MINUTE), room: 'attic', temp: 30 },
        ],
      },
    ],
  ])('answers %s clipped to the range and through the ad hoc filters', async (_shape, answer) => {
    const registry = new Registry();
    registry.addTable({ name: 'readings', read: () => Promise.resolve(answer as never) });
    const app = appWith(registry);
    const res = await request(app)
      .post('/query')
      .send(query(['readings']))
      .expect(200);
    const columns = [
      { text: 'time', type: 'time' },
      { text: 'room', type: 'string' },
      { text: 'temp', type: 'number' },
    ];
    expect(res.body).toEqual([
      {
        type: 'table',
        refId: 'A',
        name: 'readings',
        columns,
        rows: [
          [T1, 'kitchen', 21],
          [T1 + MINUTE, 'attic', 30],
        ],
      },
    ]);
    const filtered = await request(app)
      .post('/query')
      .send(query(['readings'], { adhocFilters: [{ key: 'room', operator: '=', value: 'attic' }] }))
      .expect(200);
    expect(filtered.body).toEqual([
      { type: 'table', refId: 'A', name: 'readings', columns, rows: [[T1 + MINUTE, 'attic', 30]] },
    ]);
  });

  it('gives a failing table an empty table with an error notice while other targets answer', async () => {
    const registry = new Registry();
    registry.addTimeSeries({ name: 'good', read: () => Promise.resolve([[1, T1]]) });
    registry.addTable({ name: 'broken', read: () => Promise.resolve({ nope: 1 } as never) });
    const res = await request(appWith(registry, { logger: logCollector().logger }))
      .post('/query')
      .send(query(['good', 'broken']))
      .expect(200);
    expect(res.body[1]).toEqual({
      type: 'table',
      refId: 'B',
      name: 'broken',
      columns: [],
      rows: [],
      meta: {
        notices: [
          {
            severity: 'error',
            text: 'read() of metric "broken" answered no rows array: a table answers {columns, rows} or {rows: [{…}, …]}',
          },
        ],
      },
    });
  });
});
