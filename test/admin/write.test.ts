import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { type RunningServer, startServer } from '../../src/process/start';
import { fixedClock } from '../../src/time/clock';

/** POST /write as Telegraf's InfluxDB v1 output and scripts send it, and what Grafana then sees. */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ADMIN = 'admin-secret-2';
const WRITE = 'write-secret-2';
const ns = (ms: number) => `${ms}000000`;

const fixture = {
  series: [
    {
      name: 'room.temp',
      labels: { room: 'kitchen' },
      points: [
        [20, NOW - 120_000],
        [21, NOW - 60_000],
      ],
    },
    { name: 'load', generator: { type: 'sine', step: '1m', period: '1h' } },
  ],
};

let server: RunningServer;

async function start(extra: Parameters<typeof startServer>[0] = {}) {
  return startServer({
    fixtures: fixture,
    clock: fixedClock(NOW),
    adminTokens: [ADMIN],
    writeTokens: [WRITE],
    logger: { error: () => undefined },
    ...extra,
  });
}

beforeEach(async () => {
  server = await start();
});
afterEach(async () => {
  await server.close();
});

const telegraf = (body: string | Buffer) =>
  request(server.app)
    .post('/write?db=telegraf')
    .set('Content-Type', 'text/plain; charset=utf-8')
    .set('User-Agent', 'Telegraf/1.39.1')
    .auth('telegraf', WRITE)
    .send(body);

async function query(target: string, extra: Record<string, unknown> = {}) {
  const res = await request(server.app)
    .post('/query')
    .send({
      range: { from: new Date(NOW - 3600_000).toISOString(), to: new Date(NOW).toISOString() },
      targets: [{ refId: 'A', target }],
      maxDataPoints: 100,
      ...extra,
    });
  return res;
}

const lines = [
  `cpu,cpu=cpu0,host=a usage_idle=90,usage_user=5 ${ns(NOW - 20_000)}`,
  `cpu,cpu=cpu0,host=b usage_idle=80,usage_user=15 ${ns(NOW - 20_000)}`,
  `cpu,cpu=cpu0,host=a usage_idle=91,usage_user=4 ${ns(NOW - 10_000)}`,
].join('\n');

describe('POST /write', () => {
  it('stores a gzipped Telegraf batch sent with basic auth; each field is a metric, tags are labels', async () => {
    const res = await telegraf(gzipSync(lines)).set('Content-Encoding', 'gzip');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const search = await request(server.app).post('/search').send({ target: 'cpu' });
    expect(search.body).toEqual(['cpu.usage_idle', 'cpu.usage_user']);
    const q = await query('cpu.usage_idle');
    expect(q.body).toEqual([
      {
        refId: 'A',
        target: 'cpu.usage_idle{cpu="cpu0", host="a"}',
        tags: { cpu: 'cpu0', host: 'a' },
        datapoints: [
          [90, NOW - 20_000],
          [91, NOW - 10_000],
        ],
      },
      {
        refId: 'A',
        target: 'cpu.usage_idle{cpu="cpu0", host="b"}',
        tags: { cpu: 'cpu0', host: 'b' },
        datapoints: [[80, NOW - 20_000]],
      },
    ]);
  });

  it('applies ad hoc filters to the tags and lists them as tag keys and values', async () => {
    await telegraf(lines).expect(204);
    const q = await query('cpu.usage_user', { adhocFilters: [{ key: 'host', operator: '=', value: 'b' }] });
    expect(q.body).toEqual([
      {
        refId: 'A',
        target: 'cpu.usage_user{cpu="cpu0", host="b"}',
        tags: { cpu: 'cpu0', host: 'b' },
        datapoints: [[15, NOW - 20_000]],
      },
    ]);
    const keys = await request(server.app).post('/tag-keys').send({});
    expect(keys.body).toEqual(
      expect.arrayContaining([
        { type: 'string', text: 'host' },
        { type: 'string', text: 'cpu' },
      ]),
    );
    const values = await request(server.app).post('/tag-values').send({ key: 'host' });
    expect(values.body).toEqual(expect.arrayContaining([{ text: 'a' }, { text: 'b' }]));
  });

  it.each([
    ['Bearer', { Authorization: `Bearer ${WRITE}` }],
    ['Token', { Authorization: `Token ${WRITE}` }],
    ['the admin token', { Authorization: `Bearer ${ADMIN}` }],
  ])('accepts the token as %s', async (_what, headers) => {
    const res = await request(server.app)
      .post('/write')
      .set(headers)
      .set('Content-Type', 'text/plain')
      .send(`m v=1 ${ns(NOW)}`);
    expect(res.status).toBe(204);
  });

  it('accepts the InfluxDB v1 p query parameter', async () => {
    const res = await request(server.app)
      .post(`/write?db=x&u=me&p=${WRITE}`)
      .set('Content-Type', 'text/plain')
      .send(`m v=1 ${ns(NOW)}`);
    expect(res.status).toBe(204);
  });

  it('refuses a missing or wrong token with 401 and a JSON error', async () => {
    const none = await request(server.app).post('/write').set('Content-Type', 'text/plain').send('m v=1');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHORIZED');
    const wrong = await request(server.app)
      .post('/write')
      .auth('telegraf', 'nope')
      .set('Content-Type', 'text/plain')
      .send('m v=1');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid write token');
  });

  it('refuses a batch with a bad line whole, naming the line, with InfluxDB error text', async () => {
    const res = await telegraf(`good v=1 ${ns(NOW)}\n# a comment\nbad v=abc ${ns(NOW)}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_WRITE');
    expect(res.body.message).toMatch(/^line 3: /);
    expect(res.body.error).toBe(res.body.message);
    expect(res.body.field).toBe('body/line/3');
    const search = await request(server.app).post('/search').send({ target: 'good' });
    expect(search.body).toEqual([]);
  });

  it('honours the precision parameter', async () => {
    await request(server.app)
      .post('/write?precision=s')
      .auth('x', WRITE)
      .set('Content-Type', 'text/plain')
      .send(`sec value=3 ${(NOW - 5000) / 1000}`)
      .expect(204);
    const q = await query('sec');
    expect(q.body).toEqual([{ refId: 'A', target: 'sec', datapoints: [[3, NOW - 5000]] }]);
  });

  it('accepts JSON points', async () => {
    const res = await request(server.app)
      .post('/write')
      .auth('x', WRITE)
      .send({ metric: 'script.count', labels: { job: 'nightly' }, points: [[7, NOW - 1000]] });
    expect(res.status).toBe(204);
    const q = await query('script.count');
    expect(q.body).toEqual([
      { refId: 'A', target: 'script.count', tags: { job: 'nightly' }, datapoints: [[7, NOW - 1000]] },
    ]);
  });

  it('appends to a stored series of the fixtures', async () => {
    await request(server.app)
      .post('/write')
      .auth('x', WRITE)
      .send({ metric: 'room.temp', points: [[22, NOW]] })
      .expect(204);
    const q = await query('room.temp');
    expect(q.body).toEqual([
      {
        refId: 'A',
        target: 'room.temp',
        tags: { room: 'kitchen' },
        datapoints: [
          [20, NOW - 120_000],
          [21, NOW - 60_000],
          [22, NOW],
        ],
      },
    ]);
  });

  it('refuses points for a metric that is not a stored series (409 naming it)', async () => {
    const conflict = await request(server.app)
      .post('/write')
      .auth('x', WRITE)
      .send({ metric: 'load', points: [[1, NOW]] });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('CONFLICT');
    expect(conflict.body.message).toMatch(/"load" is a generated series/);
  });

  it.each(['gzip', 'deflate', 'br'])(
    'refuses a body that is not %s with a 400, on /write and on the contract',
    async (encoding) => {
      const write = await telegraf('not compressed at all').set('Content-Encoding', encoding);
      expect(write.status).toBe(400);
      expect(write.body).toMatchObject({ code: 'INVALID_BODY', field: 'body' });
      expect(write.body.error).toMatch(/^body could not be decompressed as its Content-Encoding says: /);
      const search = await request(server.app)
        .post('/search')
        .set('Content-Encoding', encoding)
        .set('Content-Type', 'application/json')
        .send('{"target": ""}');
      expect(search.status).toBe(400);
      expect(search.body.code).toBe('INVALID_BODY');
    },
  );

  it("answers Telegraf's CREATE DATABASE on /query as InfluxDB does, and refuses other InfluxQL by name", async () => {
    const form = (q: string) =>
      request(server.app)
        .post('/query')
        .auth('telegraf', WRITE)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(new URLSearchParams({ q }).toString());
    const created = await form('CREATE DATABASE "telegraf"');
    expect([created.status, created.body]).toEqual([200, { results: [{ statement_id: 0 }] }]);
    const select = await form('SELECT * FROM cpu');
    expect(select.status).toBe(400);
    expect(select.body).toMatchObject({ code: 'INVALID_BODY', field: 'body/q' });
    expect(select.body.message).toBe('InfluxQL is not served here, only CREATE DATABASE: SELECT * FROM cpu');
    // A body that is neither JSON nor a q= form is still a JSON error; JSON sent as a form still queries.
    const bad = await request(server.app)
      .post('/query')
      .set('Content-Type', 'application/json')
      .send('{"targets": [');
    expect(bad.body.code).toBe('BAD_JSON');
    const json = await request(server.app)
      .post('/query')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(
        JSON.stringify({
          targets: [{ refId: 'A', target: 'room.temp' }],
          range: { from: NOW - 60_000, to: NOW },
        }),
      );
    expect(json.status).toBe(200);
  });

  it('answers 405 to GET /write and 204 to GET /ping', async () => {
    expect((await request(server.app).get('/write')).status).toBe(405);
    expect((await request(server.app).get('/ping')).status).toBe(204);
  });

  it('keeps points within the retention and the per-series cap, the oldest dropped', async () => {
    await server.close();
    server = await start({ retentionMs: 60_000, maxPointsPerSeries: 2 });
    const body = [NOW - 90_000, NOW - 30_000, NOW - 20_000, NOW - 10_000]
      .map((t, i) => `capped value=${i} ${ns(t)}`)
      .join('\n');
    await telegraf(body).expect(204);
    const q = await query('capped');
    expect(q.body).toEqual([
      {
        refId: 'A',
        target: 'capped',
        datapoints: [
          [2, NOW - 20_000],
          [3, NOW - 10_000],
        ],
      },
    ]);
  });

  it('refuses a batch that would hold more series than maxSeries, storing none of it', async () => {
    await server.close();
    server = await start({ maxSeries: 3 });
    await telegraf(`m,id=1 v=1 ${ns(NOW)}\nm,id=2 v=1 ${ns(NOW)}`).expect(204);
    const res = await telegraf(`m,id=1 v=2 ${ns(NOW)}\nm,id=3 v=1 ${ns(NOW)}\nm,id=4 v=1 ${ns(NOW)}`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('TOO_MANY_SERIES');
    expect(res.body.message).toMatch(/adds 2 series to the 2 held, more than the 3 allowed/);
    expect(server.admin.metric('m.v').points).toBe(2);
    // Points of series already held are still taken.
    await telegraf(`m,id=1 v=3 ${ns(NOW - 1000)}`).expect(204);
  });

  it('with only a write token, the admin API stays off', async () => {
    await server.close();
    server = await start({ adminTokens: [] });
    expect(
      (await request(server.app).get('/admin/registry').set('Authorization', `Bearer ${WRITE}`)).status,
    ).toBe(404);
    expect((await telegraf(`m v=1 ${ns(NOW)}`)).status).toBe(204);
  });
});
