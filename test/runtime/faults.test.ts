import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Logger } from '../../src/http/options';
import { createApp } from '../../src/process/app';
import { Registry } from '../../src/registry/registry';
import { columnsFromPoints } from '../../src/series/columnar';
import { FaultTable } from '../../src/runtime/faults';
import { RequestJournal } from '../../src/runtime/journal';
import type { SeriesAnswer } from '../../src/sources/types';
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

/** A logger that keeps its warn and error lines. */
function recording() {
  const warnings: Array<[string, unknown]> = [];
  const errors: Array<[string, unknown]> = [];
  const logger: Logger = {
    error: (message, error) => errors.push([message, error]),
    warn: (message, fields) => warnings.push([message, fields]),
  };
  return { logger, warnings, errors };
}

/** Two stored series and a table, each one point or row at T1. */
function registry(): Registry {
  const r = new Registry();
  const stored = (value: number) => ({ kind: 'stored' as const, columns: columnsFromPoints([[value, T1]]) });
  r.addTimeSeries({ name: 'good', source: stored(1) });
  r.addTimeSeries({ name: 'room.kitchen', source: stored(21) });
  r.addTimeSeries({ name: 'room.attic', source: stored(30) });
  r.addTable({ name: 'servers', columns: [{ text: 'host', type: 'string' }], rows: [['web-01']] });
  r.addAnnotations({ name: 'deploys', events: [{ time: T1, title: 'v1', text: '', tags: [] }] });
  return r;
}

function setup(options: Record<string, unknown> = {}, reg = registry()) {
  const log = recording();
  const faults = new FaultTable({ logger: log.logger });
  const app = createApp({ registry: reg, clock: () => NOW, logger: log.logger, faults, ...options });
  return { app, faults, ...log };
}

function injected(message: string) {
  return { message, code: 'INJECTED_FAULT', error: { code: 'INJECTED_FAULT', message } };
}

function failedSeries(target: string, refId: string, text: string) {
  return { target, refId, datapoints: [], meta: { notices: [{ severity: 'error', text }] } };
}

/** Where supertest's request failed: the client's error code and message (a reset connection). */
async function failure(send: () => Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await send();
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code, message: (error as Error).message };
  }
  throw new Error('the request was answered');
}

const HUNG_UP = { code: 'ECONNRESET', message: 'socket hang up' };

describe('endpoint faults', () => {
  it('delays an endpoint, then answers it as usual, and logs the hit', async () => {
    const { app, faults, warnings } = setup();
    faults.add({ endpoint: '/search', delayMs: 60 });
    const started = performance.now();
    const res = await request(app).post('/search').send({ target: 'room' }).expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(res.body).toEqual(['room.kitchen', 'room.attic']);
    expect(warnings).toEqual([['injected fault', { id: 'f1', endpoint: '/search', path: '/search' }]]);
    expect(faults.list()).toEqual([{ id: 'f1', endpoint: '/search', delayMs: 60, hits: 1, from: 'admin' }]);
  });

  it('answers its status with code INJECTED_FAULT and its message (default: naming the fault)', async () => {
    const { app, faults } = setup();
    faults.add({ endpoint: '/query/', status: 503, message: 'sensor offline' });
    faults.add({ endpoint: '/', status: 500 });
    const res = await request(app).post('/query').send(query('good')).expect(503);
    expect(res.body).toEqual(injected('sensor offline'));
    const root = await request(app).get('/').expect(500);
    expect(root.body).toEqual(injected('injected fault f2'));
    // Only the route's own methods: a GET /query is still 405.
    await request(app).get('/query').expect(405);
  });

  it('drops the connection: the client sees a socket hang up', async () => {
    const journal = new RequestJournal({ clock: () => NOW });
    const { app, faults, errors } = setup({ journal });
    faults.add({ endpoint: '/search', drop: true });
    expect(await failure(() => request(app).post('/search').send({ target: '' }))).toEqual(HUNG_UP);
    expect(journal.list().map(({ path, aborted, fault }) => ({ path, aborted, fault }))).toEqual([
      { path: '/search', aborted: true, fault: 'f1' },
    ]);
    expect(errors).toEqual([]);
  });

  it('acts times=N, then the endpoint is back to normal and the rule gone', async () => {
    const { app, faults } = setup();
    const fault = faults.add({ endpoint: '/search', status: 502, times: 2 });
    expect(fault).toEqual({
      id: 'f1',
      endpoint: '/search',
      status: 502,
      times: 2,
      hits: 0,
      remaining: 2,
      from: 'admin',
    });
    await request(app).post('/search').send({ target: '' }).expect(502);
    expect(faults.list()).toEqual([{ ...fault, hits: 1, remaining: 1 }]);
    await request(app).post('/search').send({ target: '' }).expect(502);
    expect(faults.size).toBe(0);
    const res = await request(app).post('/search').send({ target: 'good' }).expect(200);
    expect(res.body).toEqual(['good']);
  });

  it('answers 408 TIMEOUT when its delay outlives the request timeout', async () => {
    const { app, faults } = setup({ requestTimeout: 100 });
    faults.add({ endpoint: '/query', delayMs: 5_000 });
    const started = performance.now();
    const res = await request(app).post('/query').send(query('good')).expect(408);
    expect(performance.now() - started).toBeLessThan(2_000);
    const message =
      'injected fault f1 delays the answer by 5000 ms, longer than the request timeout of 100 ms';
    expect(res.body).toEqual({ message, code: 'TIMEOUT', error: { code: 'TIMEOUT', message } });
  });

  it('stops waiting when the client goes away: the endpoint never runs', async () => {
    let reads = 0;
    const reg = new Registry();
    reg.addTimeSeries({ name: 'counted', read: () => (reads++, Promise.resolve([[1, T1]])) });
    const journal = new RequestJournal({ clock: () => NOW });
    const { app, faults } = setup({ journal }, reg);
    faults.add({ endpoint: '/query', delayMs: 150 });
    const server = createServer(app).listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const client = httpRequest({
        port,
        method: 'POST',
        path: '/query',
        headers: { 'content-type': 'application/json' },
      });
      client.on('error', () => {});
      client.end(JSON.stringify(query('counted')));
      await new Promise((resolve) => setTimeout(resolve, 40));
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(reads).toBe(0);
      expect(journal.list().map(({ path, aborted, fault }) => ({ path, aborted, fault }))).toEqual([
        { path: '/query', aborted: true, fault: 'f1' },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is in the journal with the body it did not let through, and the fault that answered', async () => {
    const journal = new RequestJournal({ clock: () => NOW });
    const { app, faults } = setup({ journal });
    faults.add({ metric: 'good', delayMs: 1 }); // a read rule first: the endpoint one is f2
    faults.add({ endpoint: '/query', status: 503 });
    await request(app).post('/query').send(query('good')).expect(503);
    const [entry] = journal.list();
    expect({ body: entry?.body, status: entry?.status, fault: entry?.fault }).toEqual({
      body: query('good'),
      status: 503,
      fault: 'f2',
    });
  });
});

describe('metric and target faults in /query', () => {
  it('fails the metric like a failing source: an error notice, the other target answered, logged as a fault only', async () => {
    const journal = new RequestJournal({ clock: () => NOW });
    const { app, faults, warnings, errors } = setup({ journal });
    faults.add({ metric: 'room.kitchen', status: 503, message: 'sensor offline' });
    const res = await request(app).post('/query').send(query('good', 'room.kitchen')).expect(200);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      failedSeries('room.kitchen', 'B', 'metric "room.kitchen": sensor offline'),
    ]);
    expect(warnings).toEqual([['injected fault', { id: 'f1', metric: 'room.kitchen', path: '/query' }]]);
    expect(errors).toEqual([]);
    expect(journal.list().map(({ status, fault, targets }) => ({ status, fault, targets }))).toEqual([
      {
        status: 200,
        fault: 'f1',
        targets: [
          { refId: 'A', target: 'good', metrics: ['good'] },
          { refId: 'B', target: 'room.kitchen', metrics: ['room.kitchen'] },
        ],
      },
    ]);
  });

  it('answers the fault’s status when every target failed', async () => {
    const { app, faults } = setup();
    faults.add({ metric: 'room.kitchen', status: 503, message: 'sensor offline' });
    faults.add({ metric: 'servers', status: 429 });
    const res = await request(app).post('/query').send(query('room.kitchen')).expect(503);
    expect(res.body).toEqual(injected('metric "room.kitchen": sensor offline'));
    const table = await request(app).post('/query').send(query('servers')).expect(429);
    expect(table.body).toEqual(injected('metric "servers": injected fault f2'));
  });

  it('delays the metric, then reads it', async () => {
    const { app, faults } = setup();
    faults.add({ metric: 'room.attic', delayMs: 60 });
    const started = performance.now();
    const res = await request(app).post('/query').send(query('good', 'room.attic')).expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      { target: 'room.attic', refId: 'B', datapoints: [[30, T1]] },
    ]);
  });

  it('a metric delay longer than the request timeout is that target’s SOURCE_TIMEOUT', async () => {
    const { app, faults } = setup({ requestTimeout: 100 });
    faults.add({ metric: 'room.attic', delayMs: 5_000 });
    const started = performance.now();
    const res = await request(app).post('/query').send(query('good', 'room.attic')).expect(200);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      failedSeries('room.attic', 'B', 'metric "room.attic": no answer within the request timeout of 100 ms'),
    ]);
    const alone = await request(app).post('/query').send(query('room.attic')).expect(504);
    expect(alone.body).toMatchObject({ code: 'SOURCE_TIMEOUT' });
  });

  it('a target pattern fails every metric of the targets it matches, one hit per target', async () => {
    const { app, faults, warnings } = setup();
    faults.add({ target: 'room\\..*', status: 500, message: 'rooms down' });
    const res = await request(app).post('/query').send(query('good', 'room.*')).expect(200);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      failedSeries('room.kitchen', 'B', 'metric "room.kitchen": rooms down'),
      failedSeries('room.attic', 'B', 'metric "room.attic": rooms down'),
    ]);
    expect(warnings).toEqual([['injected fault', { id: 'f1', target: 'room\\..*', path: '/query' }]]);
    const attic = await request(app).post('/query').send(query('room.attic')).expect(500);
    expect(attic.body).toEqual(injected('metric "room.attic": rooms down'));
    // Anchored on the target text: a text that only holds a room name is not matched.
    const both = await request(app).post('/query').send(query('(good|room\\.attic)')).expect(200);
    expect(both.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      { target: 'room.attic', refId: 'A', datapoints: [[30, T1]] },
    ]);
    expect(faults.list()).toEqual([
      { id: 'f1', target: 'room\\..*', status: 500, message: 'rooms down', hits: 2, from: 'admin' },
    ]);
  });

  it('a metric fault on an annotation set named by a target fails its events table', async () => {
    const { app, faults } = setup();
    faults.add({ metric: 'deploys', status: 503 });
    const res = await request(app).post('/query').send(query('good', 'deploys')).expect(200);
    expect(res.body).toEqual([
      { target: 'good', refId: 'A', datapoints: [[1, T1]] },
      {
        type: 'table',
        refId: 'B',
        name: 'deploys',
        columns: EVENT_COLUMNS,
        rows: [],
        meta: { notices: [{ severity: 'error', text: 'annotation set "deploys": injected fault f1' }] },
      },
    ]);
  });

  it('drops the connection from inside the pipeline', async () => {
    const { app, faults, errors } = setup();
    faults.add({ metric: 'room.attic', drop: true });
    expect(await failure(() => request(app).post('/query').send(query('good', 'room.attic')))).toEqual(
      HUNG_UP,
    );
    faults.clear();
    await request(app).post('/query').send(query('room.attic')).expect(200);
    expect(errors).toEqual([]);
  });

  it('times=1 on a metric: one read fails, the next ones are served', async () => {
    const { app, faults } = setup();
    faults.add({ metric: 'good', status: 500, times: 1 });
    await request(app).post('/query').send(query('good')).expect(500);
    const res = await request(app).post('/query').send(query('good')).expect(200);
    expect(res.body).toEqual([{ target: 'good', refId: 'A', datapoints: [[1, T1]] }]);
  });

  it('waits for the fault before an async source is asked', async () => {
    const asked: number[] = [];
    const reg = new Registry();
    reg.addTimeSeries({
      name: 'db',
      read: () => (asked.push(performance.now()), Promise.resolve<SeriesAnswer>([[5, T1]])),
    });
    const { app, faults } = setup({}, reg);
    faults.add({ metric: 'db', delayMs: 50 });
    const started = performance.now();
    const res = await request(app).post('/query').send(query('db')).expect(200);
    expect(res.body).toEqual([{ target: 'db', refId: 'A', datapoints: [[5, T1]] }]);
    expect((asked[0] ?? 0) - started).toBeGreaterThanOrEqual(45);
  });
});
