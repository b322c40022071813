import request from 'supertest';
import { createApp } from '../../src/process/app';
import { Registry } from '../../src/registry/registry';
import type { LabelCatalog } from '../../src/sources/types';
import { FROM, HOUR, MINUTE, NOW } from '../helpers';

const T1 = FROM + HOUR;
const range = { from: new Date(FROM).toISOString(), to: new Date(NOW).toISOString() };

function logCollector() {
  const errors: Array<{ message: string; error: unknown }> = [];
  return { errors, logger: { error: (message: string, error?: unknown) => errors.push({ message, error }) } };
}

/** A clock the test moves. */
function movingClock(start: number) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

const catalog: LabelCatalog = {
  keys: () => Promise.resolve(['room']),
  values: (key) => Promise.resolve(key === 'room' ? ['kitchen', 'attic'] : []),
};

/** A registry with one stored metric and a provider listing metric names "from a database". */
function providedRegistry(names: () => string[], ttlMs = 1000) {
  const registry = new Registry();
  registry.addTimeSeries({
    name: 'static',
    labels: { site: 'plant' },
    read: () => Promise.resolve([[1, T1]]),
  });
  let calls = 0;
  registry.addProvider({
    name: 'plant',
    ttlMs,
    list: () => {
      calls++;
      return Promise.resolve({
        series: names().map((name) => ({
          name,
          source: {
            kind: 'reader' as const,
            reader: {
              labels: catalog,
              read: () => Promise.resolve({ rows: [{ time: T1, room: 'kitchen', v: 2 }] }),
            },
          },
        })),
        tables: [{ name: 'events', read: () => Promise.resolve({ rows: [{ time: T1, kind: 'door' }] }) }],
      });
    },
  });
  return { registry, calls: () => calls };
}

describe('providers and label catalogs on the metadata endpoints', () => {
  const setup = () => {
    const time = movingClock(NOW);
    const { registry, calls } = providedRegistry(() => ['room.temperature']);
    const { errors, logger } = logCollector();
    const app = createApp({ registry, clock: time.clock, logger });
    return { app, calls, errors, time };
  };

  it('/search lists provided metrics after the registry ones', async () => {
    const { app } = setup();
    const res = await request(app).post('/search').send({ target: '' }).expect(200);
    expect(res.body).toEqual(['static', 'room.temperature', 'events']);
  });

  it('/metrics lists them with their payload fields', async () => {
    const { app } = setup();
    const res = await request(app).post('/metrics').send({}).expect(200);
    expect((res.body as Array<{ value: string }>).map((m) => m.value)).toEqual([
      'static',
      'room.temperature',
      'events',
    ]);
  });

  it('/tag-keys and /tag-values include what the label catalogs know', async () => {
    const { app } = setup();
    const keys = await request(app).post('/tag-keys').send({}).expect(200);
    expect(keys.body).toEqual([
      { type: 'string', text: 'site' },
      { type: 'string', text: 'room' },
    ]);
    const values = await request(app).post('/tag-values').send({ key: 'room' }).expect(200);
    expect(values.body).toEqual([{ text: 'attic' }, { text: 'kitchen' }]);
  });

  it('/variable and /search answer label_values() and tag_keys() from the catalogs', async () => {
    const { app } = setup();
    const variable = await request(app)
      .post('/variable')
      .send({ payload: { target: 'label_values(room)' }, range })
      .expect(200);
    expect(variable.body).toEqual([
      { __text: 'attic', __value: 'attic' },
      { __text: 'kitchen', __value: 'kitchen' },
    ]);
    const scoped = await request(app)
      .post('/search')
      .send({ target: 'label_values(room.temperature, room)' })
      .expect(200);
    expect(scoped.body).toEqual(['attic', 'kitchen']);
    const none = await request(app)
      .post('/search')
      .send({ target: 'label_values(static, room)' })
      .expect(200);
    expect(none.body).toEqual([]);
    const keys = await request(app).post('/search').send({ target: 'tag_keys()' }).expect(200);
    expect(keys.body).toEqual(['site', 'room']);
  });

  it('/metric-payload-options works on a provided metric', async () => {
    const { app } = setup();
    const res = await request(app)
      .post('/metric-payload-options')
      .send({ metric: 'room.temperature', payload: {}, name: 'aggregation' })
      .expect(200);
    expect((res.body as Array<{ value: string }>).map((o) => o.value)).toContain('max');
  });

  it('/query reads provided series and tables', async () => {
    const { app } = setup();
    const res = await request(app)
      .post('/query')
      .send({
        range,
        maxDataPoints: 100,
        intervalMs: MINUTE,
        targets: [
          { refId: 'A', target: 'room.temperature' },
          { refId: 'B', target: 'events' },
        ],
      })
      .expect(200);
    expect(res.body).toEqual([
      { target: 'room.temperature', refId: 'A', tags: { room: 'kitchen' }, datapoints: [[2, T1]] },
      {
        type: 'table',
        refId: 'B',
        name: 'events',
        columns: [
          { text: 'time', type: 'time' },
          { text: 'kind', type: 'string' },
        ],
        rows: [[T1, 'door']],
      },
    ]);
  });

  it('asks a provider once per ttlMs, and the /search memo never serves a stale list', async () => {
    const time = movingClock(NOW);
    let names = ['a'];
    const { registry, calls } = providedRegistry(() => names, 1000);
    const app = createApp({ registry, clock: time.clock, logger: logCollector().logger });
    expect((await request(app).post('/search').send({ target: '' })).body).toEqual(['static', 'a', 'events']);
    names = ['a', 'b'];
    expect((await request(app).post('/search').send({ target: '' })).body).toEqual(['static', 'a', 'events']);
    expect(calls()).toBe(1);
    time.advance(1000);
    expect((await request(app).post('/search').send({ target: '' })).body).toEqual([
      'static',
      'a',
      'b',
      'events',
    ]);
    expect(calls()).toBe(2);
  });

  it('answers from the rest when a provider or a catalog fails, and logs each failure once', async () => {
    const time = movingClock(NOW);
    const registry = new Registry();
    registry.addTimeSeries({ name: 'static', labels: { site: 'plant' }, read: () => Promise.resolve([]) });
    registry.addTimeSeries({
      name: 'cataloged',
      source: {
        kind: 'reader',
        reader: {
          read: () => Promise.resolve([]),
          labels: {
            keys: () => Promise.reject(new Error('catalog down')),
            values: () => Promise.resolve([]),
          },
        },
      },
    });
    registry.addProvider({ name: 'plant', ttlMs: 60_000, list: () => Promise.reject(new Error('db down')) });
    const { errors, logger } = logCollector();
    const app = createApp({ registry, clock: time.clock, logger });
    const first = await request(app).post('/search').send({ target: '' }).expect(200);
    expect(first.body).toEqual(['static', 'cataloged']);
    await request(app).post('/search').send({ target: '' }).expect(200);
    const keys = await request(app).post('/tag-keys').send({}).expect(200);
    expect(keys.body).toEqual([{ type: 'string', text: 'site' }]);
    expect(errors.map((e) => [e.message, (e.error as Error).message])).toEqual([
      ['provider "plant": list() failed (the cause is in the server log)', 'db down'],
      ['metric "cataloged": its label catalog failed (the cause is in the server log)', 'catalog down'],
    ]);
  });

  it('leaves out, and logs, a provided metric whose name is taken', async () => {
    const registry = new Registry();
    registry.addTimeSeries({ name: 'static', read: () => Promise.resolve([]) });
    registry.addProvider({
      name: 'p',
      list: () => Promise.resolve({ series: [{ name: 'static', read: () => Promise.resolve([]) }] }),
    });
    const { errors, logger } = logCollector();
    const res = await request(createApp({ registry, clock: () => NOW, logger }))
      .post('/search')
      .send({ target: '' })
      .expect(200);
    expect(res.body).toEqual(['static']);
    expect(errors.map((e) => e.message)).toEqual([
      'provider "p": series 0 left out: metric "static" is already defined',
    ]);
  });
});

describe('annotation sets read by an async function', () => {
  function annotated(read: () => Promise<unknown>) {
    const registry = new Registry();
    registry.addTimeSeries({ name: 'static', read: () => Promise.resolve([]) });
    registry.addAnnotations({
      name: 'deploys',
      tags: ['deploy'],
      events: [{ time: T1, title: 'stored', text: '', tags: [] }],
      reader: { read: read as never },
    });
    return registry;
  }

  it('/annotations merges reader events with the stored ones, in the range, by time', async () => {
    const registry = annotated(() =>
      Promise.resolve([
        { time: new Date(T1 + MINUTE), title: 'read', tags: ['web'] },
        { time: FROM - HOUR, title: 'too early' },
      ]),
    );
    const res = await request(createApp({ registry, clock: () => NOW }))
      .post('/annotations')
      .send({ range, annotation: { query: '' } })
      .expect(200);
    expect(res.body).toEqual([
      { annotation: { query: '' }, time: T1, title: 'stored', text: '', tags: ['deploy'] },
      { annotation: { query: '' }, time: T1 + MINUTE, title: 'read', text: '', tags: ['deploy', 'web'] },
    ]);
  });

  it('a panel target naming the set gets an error notice when its reader fails, the others still answer', async () => {
    const registry = annotated(() => Promise.reject(new Error('down')));
    const { errors, logger } = logCollector();
    const res = await request(createApp({ registry, clock: () => NOW, logger }))
      .post('/query')
      .send({
        range,
        targets: [
          { refId: 'A', target: 'static' },
          { refId: 'B', target: 'deploys' },
        ],
      })
      .expect(200);
    const text = 'annotation set "deploys": read() failed (the cause is in the server log)';
    expect(res.body[1]).toMatchObject({
      type: 'table',
      refId: 'B',
      rows: [],
      meta: { notices: [{ severity: 'error', text }] },
    });
    expect(errors.map((e) => e.message)).toEqual([text]);
  });

  it('a native annotation query answers 502 when the only set fails', async () => {
    const registry = annotated(() => Promise.resolve('nope'));
    const res = await request(createApp({ registry, clock: () => NOW, logger: logCollector().logger }))
      .post('/query')
      .send({ range, targets: [{ refId: 'Anno', target: '' }], scopedVars: { __annotation: { value: {} } } })
      .expect(502);
    expect(res.body).toMatchObject({
      code: 'SOURCE_FAILED',
      message: 'read() of annotation set "deploys" answered no array of events',
    });
  });
});
