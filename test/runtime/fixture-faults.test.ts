import request from 'supertest';
import { loadFixtureObject } from '../../src/fixtures/load';
import type { Logger } from '../../src/http/options';
import { createApp } from '../../src/process/app';
import { FaultTable } from '../../src/runtime/faults';
import { EVENT_COLUMNS, FROM, HOUR, MINUTE, NOW } from '../helpers';

const range = { from: new Date(FROM).toISOString(), to: new Date(NOW).toISOString() };
const T1 = FROM + HOUR;

function query(...targets: string[]) {
  return {
    range,
    intervalMs: MINUTE,
    maxDataPoints: 100,
    targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })),
  };
}

/** TestData-like scenarios declared in a fixture: slow, failing and cut-off metrics beside a good one. */
const FIXTURE = {
  series: [
    { name: 'good', points: [[1, T1]] },
    { name: 'slow', points: [[2, T1]], fault: { delayMs: 60 } },
    {
      name: 'broken',
      generator: { type: 'constant', value: 3 },
      fault: { status: 503, message: 'sensor offline' },
    },
    { name: 'cut', points: [[4, T1]], fault: { drop: true } },
  ],
  tables: [
    {
      name: 'inventory',
      columns: [{ text: 'item', type: 'string' }],
      rows: [['bolt']],
      fault: { status: 500 },
    },
  ],
  annotations: [
    {
      name: 'outages',
      tags: ['ops'],
      events: [{ time: T1, title: 'down', tags: ['db'] }],
      fault: { status: 503, message: 'calendar offline' },
    },
    {
      name: 'slow-deploys',
      tags: ['deploy'],
      events: [{ time: T1, title: 'v2', text: 'web', tags: ['web-01'] }],
      recurring: [{ every: '2h', offset: '30m', title: 'nightly' }],
      fault: { delayMs: 50 },
    },
  ],
};

function setup(options: Record<string, unknown> = {}) {
  const errors: Array<[string, unknown]> = [];
  const warnings: Array<[string, unknown]> = [];
  const logger: Logger = {
    error: (message, error) => errors.push([message, error]),
    warn: (message, fields) => warnings.push([message, fields]),
  };
  const registry = loadFixtureObject(FIXTURE, { clock: () => NOW });
  return { app: createApp({ registry, clock: () => NOW, logger, ...options }), errors, warnings };
}

function injected(message: string) {
  return { message, code: 'INJECTED_FAULT', error: { code: 'INJECTED_FAULT', message } };
}

describe('faults declared in fixtures', () => {
  it('a slow metric answers its points after its delay; the good one beside it is unchanged', async () => {
    const { app } = setup();
    const started = performance.now();
    const res = await request(app).post('/query').send(query('good', 'slow')).expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      { target: 'slow', refId: 'B', datapoints: [[2, T1]] },
    ]);
  });

  it('a failing metric is an error notice beside the others, and its status when alone; logged as an injected fault', async () => {
    const { app, errors, warnings } = setup();
    const res = await request(app).post('/query').send(query('good', 'broken')).expect(200);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      {
        target: 'broken',
        refId: 'B',
        datapoints: [],
        meta: { notices: [{ severity: 'error', text: 'metric "broken": sensor offline' }] },
      },
    ]);
    const alone = await request(app).post('/query').send(query('broken')).expect(503);
    expect(alone.body).toEqual(injected('metric "broken": sensor offline'));
    expect(errors).toEqual([]);
    const line = [
      'injected fault',
      { id: 'fixture:broken', metric: 'broken', message: 'metric "broken": sensor offline' },
    ];
    expect(warnings).toEqual([line, line]);
  });

  it('a failing table answers its status, with the default message', async () => {
    const { app } = setup();
    const res = await request(app).post('/query').send(query('inventory')).expect(500);
    expect(res.body).toEqual(injected('metric "inventory": injected fault declared by the fixture'));
  });

  it('a metric that drops the connection: the client sees a socket hang up', async () => {
    const { app } = setup();
    let failure: unknown;
    try {
      await request(app).post('/query').send(query('good', 'cut'));
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
  });

  it('a metric delay longer than the request timeout is SOURCE_TIMEOUT', async () => {
    const { app } = setup({ requestTimeout: 30 });
    const res = await request(app).post('/query').send(query('slow')).expect(504);
    const message = 'metric "slow": no answer within the request timeout of 30 ms';
    expect(res.body).toEqual({ message, code: 'SOURCE_TIMEOUT', error: { code: 'SOURCE_TIMEOUT', message } });
  });

  it('annotation sets: a failing set has no event and an error notice; a slow one still has all its events', async () => {
    const { app, errors } = setup();
    // /annotations reads every set; one failing among others is logged and answers nothing.
    const failing = await request(app)
      .post('/annotations')
      .send({ range, annotation: { name: 'a', query: 'outages', enable: true } })
      .expect(200);
    expect(failing.body).toEqual([]);
    expect(errors.map(([message]) => message)).toEqual(['annotation set "outages": calendar offline']);

    const started = performance.now();
    const slow = await request(app)
      .post('/annotations')
      .send({ range, annotation: { name: 'a', query: 'slow-deploys', enable: true } })
      .expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const events = (slow.body as Array<{ title: string; tags: string[]; time: number }>).map(
      ({ title, tags, time }) => ({ title, tags, time }),
    );
    // Every 2 h at :30 past even UTC hours: 10:30, 12:30, 14:30.
    expect(events).toEqual([
      { title: 'v2', tags: ['deploy', 'web-01'], time: T1 },
      { title: 'nightly', tags: ['deploy'], time: T1 + 30 * MINUTE },
      { title: 'nightly', tags: ['deploy'], time: T1 + 2 * HOUR + 30 * MINUTE },
      { title: 'nightly', tags: ['deploy'], time: T1 + 4 * HOUR + 30 * MINUTE },
    ]);

    const panel = await request(app).post('/query').send(query('good', 'outages')).expect(200);
    expect(panel.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      {
        type: 'table',
        refId: 'B',
        name: 'outages',
        columns: EVENT_COLUMNS,
        rows: [],
        meta: { notices: [{ severity: 'error', text: 'annotation set "outages": calendar offline' }] },
      },
    ]);
  });

  it('a failing set alone answers its status in /annotations', async () => {
    const registry = loadFixtureObject({ annotations: [FIXTURE.annotations[0]] }, { clock: () => NOW });
    const app = createApp({ registry, clock: () => NOW, logger: { error: () => undefined } });
    const res = await request(app)
      .post('/annotations')
      .send({ range, annotation: { name: 'a', query: 'outages', enable: true } })
      .expect(503);
    expect(res.body).toEqual(injected('annotation set "outages": calendar offline'));
  });

  it('are part of their metric: listed by /search, not in a fault table', async () => {
    const faults = new FaultTable({ logger: { error: () => undefined } });
    const { app } = setup({ faults });
    const res = await request(app).post('/search').send({ target: '' }).expect(200);
    expect(res.body).toEqual([
      'good',
      'slow',
      'broken',
      'cut',
      'inventory',
      { text: 'outages (annotations)', value: 'outages' },
      { text: 'slow-deploys (annotations)', value: 'slow-deploys' },
    ]);
    expect(faults.list()).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['an empty fault', {}, 'series/0/fault: must NOT have fewer than 1 properties'],
    ['status with drop', { status: 503, drop: true }, 'series/0/fault/drop: drop excludes status'],
    ['a fault that does nothing', { delayMs: 0 }, 'series/0/fault/delayMs: the fault does nothing'],
    [
      'a message without status',
      { message: 'x' },
      'series/0/fault/message: is only allowed together with "status"',
    ],
    ['a status below 400', { status: 200 }, 'series/0/fault/status: must be >= 400'],
    ['a delay above 10 min', { delayMs: 600_001 }, 'series/0/fault/delayMs: must be <= 600000'],
    ['an unknown key', { delayMs: 5, delay: 5 }, 'series/0/fault: unknown property "delay"'],
  ])('refuses %s at load, naming the field', (_name, fault, message) => {
    const load = () =>
      loadFixtureObject({ series: [{ name: 'x', points: [[1, T1]], fault }] }, { file: 'f.json' });
    expect(load).toThrow(`f.json: ${message}`);
  });

  it('refuses drop on an annotation set', () => {
    const load = () =>
      loadFixtureObject(
        { annotations: [{ name: 'a', events: [], fault: { delayMs: 5, drop: true } }] },
        { file: 'f.json' },
      );
    expect(load).toThrow('f.json: annotations/0/fault: unknown property "drop"');
  });
});
