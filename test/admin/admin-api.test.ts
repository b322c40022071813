import request from 'supertest';
import { type RunningServer, startServer } from '../../src/process/start';
import { fixedClock } from '../../src/time/clock';

/** The admin API over HTTP: its own token, atomic document changes, one-definition changes, reset. */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ADMIN = 'admin-secret-1';
const WRITE = 'write-secret-1';
const GRAFANA = 'grafana-token-1';

const fixture = {
  series: [
    {
      name: 'room.temp',
      unit: 'celsius',
      labels: { room: 'kitchen' },
      points: [
        [20, NOW - 60_000],
        [21, NOW],
      ],
    },
    { name: 'load', generator: { type: 'sine', step: '1m', period: '1h' } },
  ],
  annotations: [{ name: 'deploys', events: [{ time: NOW - 1000, title: 'v1', text: 'first' }] }],
};

let server: RunningServer;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const admin = bearer(ADMIN);

beforeEach(async () => {
  server = await startServer({
    fixtures: fixture,
    clock: fixedClock(NOW),
    adminTokens: [ADMIN],
    writeTokens: [WRITE],
    auth: { bearerTokens: [GRAFANA] },
    logger: { error: () => undefined },
  });
});
afterEach(async () => {
  await server.close();
});

const names = (body: { metrics: Array<{ name: string }> }) => body.metrics.map((m) => m.name);

async function queryTargets(targets: string[]) {
  return request(server.app)
    .post('/query')
    .set(bearer(GRAFANA))
    .send({
      range: { from: new Date(NOW - 3600_000).toISOString(), to: new Date(NOW).toISOString() },
      targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })),
      maxDataPoints: 100,
    });
}

describe('the admin API', () => {
  it('is 404 when no admin token is configured', async () => {
    const plain = await startServer({
      fixtures: fixture,
      clock: fixedClock(NOW),
      logger: { error: () => undefined },
    });
    try {
      const res = await request(plain.app).get('/admin/registry').set(admin);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect((await request(plain.app).post('/write').send('a v=1')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it.each([
    ['no credentials', {}, 401, 'UNAUTHORIZED'],
    ["Grafana's bearer token", bearer(GRAFANA), 401, 'UNAUTHORIZED'],
    ['a write token', bearer(WRITE), 403, 'FORBIDDEN'],
    [
      'the admin token as basic auth',
      { Authorization: `Basic ${Buffer.from(`x:${ADMIN}`).toString('base64')}` },
      401,
      'UNAUTHORIZED',
    ],
  ])('refuses %s', async (_what, headers, status, code) => {
    const res = await request(server.app).get('/admin/registry').set(headers);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers, even to a browser origin', async () => {
    const res = await request(server.app)
      .get('/admin/registry')
      .set(admin)
      .set('Origin', 'https://grafana.example.com');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('describes what is loaded', async () => {
    const res = await request(server.app).get('/admin/registry').set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      metrics: [
        {
          name: 'room.temp',
          kind: 'timeseries',
          source: 'stored',
          labels: { room: 'kitchen' },
          unit: 'celsius',
          points: 2,
        },
        { name: 'load', kind: 'timeseries', source: 'generated', labels: {} },
      ],
      annotationSets: [{ name: 'deploys', events: 1, recurring: 0, source: 'stored' }],
      changes: 0,
      pushedPoints: 0,
      durable: false,
    });
  });

  it('replaces the registry from a document, and a reset brings back what was loaded at start', async () => {
    const doc = { series: [{ name: 'checkout.latency', unit: 'ms', points: [[120, NOW - 1000]] }] };
    const res = await request(server.app).put('/admin/registry').set(admin).send(doc);
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual(['checkout.latency']);
    expect(res.body.annotationSets).toEqual([]);
    const search = await request(server.app).post('/search').set(bearer(GRAFANA)).send({ target: '' });
    expect(search.body).toEqual(['checkout.latency']);
    const q = await queryTargets(['checkout.latency']);
    expect(q.body).toEqual([
      { refId: 'A', target: 'checkout.latency', unit: 'ms', datapoints: [[120, NOW - 1000]] },
    ]);
    const reset = await request(server.app).post('/admin/reset').set(admin);
    expect(names(reset.body)).toEqual(['room.temp', 'load']);
    expect(reset.body.changes).toBe(0);
    const again = await request(server.app).post('/search').set(bearer(GRAFANA)).send({ target: '' });
    expect(again.body).toEqual(['room.temp', 'load', { text: 'deploys (annotations)', value: 'deploys' }]);
  });

  it('merges a document, replacing definitions of the same name', async () => {
    const doc = {
      series: [
        { name: 'room.temp', points: [[30, NOW]] },
        { name: 'extra', points: [[1, NOW]] },
      ],
    };
    const res = await request(server.app).post('/admin/registry').set(admin).send(doc);
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual(['room.temp', 'load', 'extra']);
    const q = await queryTargets(['room.temp']);
    expect(q.body).toEqual([{ refId: 'A', target: 'room.temp', datapoints: [[30, NOW]] }]);
  });

  it('refuses a bad document whole, naming the field, and changes nothing', async () => {
    const doc = {
      series: [
        { name: 'fine', points: [[1, NOW]] },
        { name: 'broken', points: [['x', NOW]] },
      ],
    };
    const res = await request(server.app).put('/admin/registry').set(admin).send(doc);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_DOCUMENT');
    expect(res.body.message).toMatch(/series\/1\/points\/0/);
    const after = await request(server.app).get('/admin/registry').set(admin);
    expect(names(after.body)).toEqual(['room.temp', 'load']);
    expect(after.body.changes).toBe(0);
  });

  it('refuses a body that is not JSON with a JSON 400', async () => {
    const res = await request(server.app)
      .put('/admin/registry')
      .set(admin)
      .set('Content-Type', 'application/json')
      .send('{"series": [');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_JSON');
  });

  it('adds, replaces and removes one series, table or annotation set', async () => {
    const put = await request(server.app)
      .put('/admin/series/pump.rpm')
      .set(admin)
      .send({ unit: 'rpm', points: [[1500, NOW]] });
    expect(put.status).toBe(200);
    expect(names(put.body)).toContain('pump.rpm');
    const one = await request(server.app).get('/admin/metrics/pump.rpm').set(admin);
    expect(one.body).toEqual({
      name: 'pump.rpm',
      kind: 'timeseries',
      source: 'stored',
      labels: {},
      unit: 'rpm',
      points: 1,
    });
    const table = await request(server.app)
      .put('/admin/tables/alarms')
      .set(admin)
      .send({ columns: [{ text: 'message', type: 'string' }], rows: [['door open']] });
    expect(table.status).toBe(200);
    expect((await request(server.app).get('/admin/metrics/alarms').set(admin)).body).toEqual({
      name: 'alarms',
      kind: 'table',
      source: 'stored',
      rows: 1,
    });
    const mismatch = await request(server.app)
      .put('/admin/series/a')
      .set(admin)
      .send({ name: 'b', points: [] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.field).toBe('body/name');
    const del = await request(server.app).delete('/admin/metrics/pump.rpm').set(admin);
    expect(del.status).toBe(200);
    expect(names(del.body)).not.toContain('pump.rpm');
    const gone = await request(server.app).get('/admin/metrics/pump.rpm').set(admin);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('NOT_FOUND');
    const delAgain = await request(server.app).delete('/admin/metrics/pump.rpm').set(admin);
    expect(delAgain.status).toBe(404);
    const anno = await request(server.app).delete('/admin/annotations/deploys').set(admin);
    expect(anno.body.annotationSets).toEqual([]);
  });

  it.each(['/admin/metrics/%ZZ', '/admin/faults/%E0%A4%A', '/ui/%ZZ'])(
    'answers a path that does not percent-decode (%s) with a JSON 400',
    async (path) => {
      const res = await request(server.app).get(path).set(admin);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_PATH', field: 'path' });
    },
  );

  it('answers 405 naming the methods, and 404 for an unknown admin path', async () => {
    const res = await request(server.app).post('/admin/metrics/load').set(admin);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, DELETE');
    const unknown = await request(server.app).get('/admin/nope').set(admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
  });

  it('filters the journal by path, method, time and count, and clears it', async () => {
    await request(server.app).post('/search').set(bearer(GRAFANA)).send({ target: 'room' });
    await queryTargets(['room.temp']);
    await queryTargets(['load']);
    const list = async (query: string) => {
      const res = await request(server.app).get(`/admin/requests${query}`).set(admin);
      expect(res.status).toBe(200);
      return (
        res.body.requests as Array<{ path: string; body: { targets?: Array<{ target: string }> } }>
      ).map((r) => `${r.path} ${r.body.targets?.[0]?.target ?? ''}`.trim());
    };
    expect(await list('')).toEqual(['/search', '/query room.temp', '/query load']);
    expect(await list('?path=/query&limit=1')).toEqual(['/query load']);
    expect(await list('?method=post&path=/search')).toEqual(['/search']);
    expect(await list(`?since=${NOW}&until=${NOW}`)).toEqual(['/search', '/query room.temp', '/query load']);
    expect(await list(`?since=${NOW + 1}`)).toEqual([]);
    expect(await list('?until=now-1m')).toEqual([]);
    const bad = await request(server.app).get('/admin/requests?since=soon').set(admin);
    expect([bad.status, bad.body.code, bad.body.field]).toEqual([400, 'INVALID_TIME', 'query/since']);
    const cleared = await request(server.app).delete('/admin/requests').set(admin);
    expect(cleared.body).toEqual({ cleared: 3 });
    expect(await list('')).toEqual([]);
  });

  it('offers the same operations on the running server object', async () => {
    await server.admin.merge({ series: [{ name: 'lib.added', points: [[5, NOW]] }] });
    expect(server.registry.get('lib.added')?.kind).toBe('timeseries');
    await server.admin.removeMetric('lib.added');
    expect(server.registry.get('lib.added')).toBeUndefined();
    await server.admin.write({ body: 'lib.pushed value=7 ' + String(NOW * 1e6) });
    expect(server.admin.metric('lib.pushed').points).toBe(1);
    await server.admin.reset();
    expect(server.admin.loaded().metrics.map((m) => m.name)).toEqual(['room.temp', 'load']);
  });
});
