import express from 'express';
import request from 'supertest';
import { createRouter } from '../../src/http/router';
import { createApp } from '../../src/process/app';
import { ENTRY_OVERHEAD, type JournalEntry, RequestJournal } from '../../src/runtime/journal';
import { FROM, MINUTE, NOW, testRegistry } from '../helpers';

const range = { from: new Date(FROM).toISOString(), to: new Date(NOW).toISOString() };

/** A clock the test moves: entries carry the arrival time it gives. */
function movingClock(start = NOW) {
  let now = start;
  return { clock: () => now, set: (ms: number) => (now = ms) };
}

function appWith(journal: RequestJournal, options: Record<string, unknown> = {}) {
  return createApp({ registry: testRegistry(), clock: () => NOW, journal, ...options });
}

/** The headers superagent sends on its own, besides the test's. */
const AGENT_HEADERS = { host: expect.any(String), 'accept-encoding': 'gzip, deflate', connection: 'close' };

describe('request journal', () => {
  it('records a /query: query string, headers with credentials redacted, body, status, targets and their metrics', async () => {
    const { clock } = movingClock();
    const journal = new RequestJournal({ clock });
    const body = {
      range,
      intervalMs: MINUTE,
      maxDataPoints: 10,
      targets: [
        { refId: 'A', target: 'temperature.*' },
        { refId: 'B', target: 'cpu.web-01' },
        { refId: 'C', target: 'nothing.here' },
        { refId: 'D', target: 'deploys' },
      ],
    };
    await request(appWith(journal))
      .post('/query?orgId=1&panel=2&panel=3')
      .set('Authorization', 'Bearer secret-token')
      .set('Cookie', 'grafana_session=abc')
      .set('X-Grafana-Id', 'eyJhbGciOi')
      .set('X-Grafana-Org-Id', '1')
      .send(body)
      .expect(200);
    const entries = journal.list();
    expect(entries).toEqual<JournalEntry[]>([
      {
        id: 1,
        time: NOW,
        method: 'POST',
        path: '/query',
        query: { orgId: '1', panel: '2,3' },
        headers: {
          ...AGENT_HEADERS,
          authorization: '[redacted]',
          cookie: '[redacted]',
          'x-grafana-id': '[redacted]',
          'x-grafana-org-id': '1',
          'content-type': 'application/json',
          'content-length': String(JSON.stringify(body).length),
        },
        body,
        status: 200,
        ms: expect.any(Number) as number,
        targets: [
          { refId: 'A', target: 'temperature.*', metrics: ['temperature.Berlin', 'temperature.Paris'] },
          { refId: 'B', target: 'cpu.web-01', metrics: ['cpu.web-01'] },
          { refId: 'C', target: 'nothing.here', metrics: [] },
          { refId: 'D', target: 'deploys', metrics: ['deploys'] },
        ],
      },
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/secret-token|grafana_session|eyJhbGciOi/);
    expect(journal.size).toBe(1);
  });

  it('records requests without a body, refused ones and failed ones; never /admin, /write nor the explorer page', async () => {
    const journal = new RequestJournal({ clock: () => NOW });
    const app = appWith(journal, { auth: { bearerTokens: ['good'] } });
    await request(app).get('/').set('Authorization', 'Bearer good').expect(200);
    await request(app).post('/search').send({ target: '' }).expect(401);
    await request(app)
      .post('/query')
      .set('Authorization', 'Bearer good')
      .set('Content-Type', 'application/json')
      .send('{"targets": [')
      .expect(400);
    await request(app)
      .post('/query')
      .set('Authorization', 'Bearer good')
      .send({ range, targets: [{ refId: 'A', target: 'nothing.here' }] })
      .expect(400);
    await request(app).get('/admin/faults').set('Authorization', 'Bearer good').expect(404);
    await request(app).post('/write').set('Authorization', 'Bearer good').send('cpu v=1').expect(404);
    await request(app).get('/ui/').set('Authorization', 'Bearer good').expect(200);
    await request(app).get('/ui/api/info').set('Authorization', 'Bearer good').expect(200);
    const seen = journal.list().map(({ method, path, status, body, targets }) => ({
      method,
      path,
      status,
      body,
      ...(targets === undefined ? {} : { targets }),
    }));
    expect(seen).toEqual([
      { method: 'GET', path: '/', status: 200, body: undefined },
      { method: 'POST', path: '/search', status: 401, body: undefined },
      { method: 'POST', path: '/query', status: 400, body: undefined },
      {
        method: 'POST',
        path: '/query',
        status: 400,
        body: { range, targets: [{ refId: 'A', target: 'nothing.here' }] },
        targets: [{ refId: 'A', target: 'nothing.here', metrics: [] }],
      },
    ]);
  });

  it('filters by path (a trailing slash aside), method, arrival time; limit keeps the newest', async () => {
    const { clock, set } = movingClock(1_000);
    const journal = new RequestJournal({ clock });
    const app = appWith(journal);
    await request(app).get('/').expect(200); // 1 at 1000
    set(2_000);
    await request(app).post('/search/').send({ target: '' }).expect(200); // 2 at 2000
    set(3_000);
    await request(app).post('/search').send({ target: 'cpu' }).expect(200); // 3 at 3000
    set(4_000);
    await request(app).get('/healthz').expect(200); // 4 at 4000
    const ids = (filter: Parameters<RequestJournal['list']>[0]) => journal.list(filter).map((e) => e.id);
    expect(ids({})).toEqual([1, 2, 3, 4]);
    expect(ids({ path: '/search' })).toEqual([2, 3]);
    expect(ids({ path: '/search/' })).toEqual([2, 3]);
    expect(ids({ method: 'get' })).toEqual([1, 4]);
    expect(ids({ since: 2_000, until: 3_000 })).toEqual([2, 3]);
    expect(ids({ since: 2_500 })).toEqual([3, 4]);
    expect(ids({ limit: 2 })).toEqual([3, 4]);
    expect(ids({ path: '/search', limit: 1 })).toEqual([3]);
    expect(ids({ limit: 0 })).toEqual([]);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const journal = new RequestJournal({ clock: () => NOW, maxEntries: 3 });
    const app = appWith(journal);
    for (let i = 0; i < 5; i++) await request(app).get('/healthz').expect(200);
    expect(journal.list().map((e) => e.id)).toEqual([3, 4, 5]);
    expect(journal.size).toBe(3);
  });

  it('keeps at most maxBytes, dropping the oldest; a body above a quarter of it is kept as its size', async () => {
    const maxBytes = 8_000;
    const journal = new RequestJournal({ clock: () => NOW, maxBytes });
    const app = appWith(journal);
    const bodyOf = (n: number) => ({ target: 'x'.repeat(n) });
    const small = bodyOf(1_500); // about 1.9 kB an entry with its headers
    for (let i = 0; i < 6; i++) await request(app).post('/search').send(small).expect(200);
    const kept = journal.list();
    expect(kept.map((e) => e.id)).toEqual([3, 4, 5, 6]);
    expect(journal.bytes).toBeLessThanOrEqual(maxBytes);
    expect(journal.bytes).toBeGreaterThan(4 * (ENTRY_OVERHEAD + 1_500));
    expect(kept.every((e) => JSON.stringify(e.body) === JSON.stringify(small))).toBe(true);

    const big = bodyOf(3_000);
    await request(app).post('/search').send(big).expect(200);
    const last = journal.list({ limit: 1 })[0];
    expect(last?.body).toEqual({ truncated: true, bytes: JSON.stringify(big).length });
    expect(journal.bytes).toBeLessThanOrEqual(maxBytes);
  });

  it('clear drops everything and says how many; ids keep increasing', async () => {
    const journal = new RequestJournal({ clock: () => NOW });
    const app = appWith(journal);
    await request(app).get('/healthz').expect(200);
    await request(app).get('/healthz').expect(200);
    expect(journal.clear()).toBe(2);
    expect(journal.size).toBe(0);
    expect(journal.bytes).toBe(0);
    expect(journal.list()).toEqual([]);
    expect(journal.clear()).toBe(0);
    await request(app).get('/healthz').expect(200);
    expect(journal.list().map((e) => e.id)).toEqual([3]);
  });

  it('is the same journal under a router mounted at a sub-path: paths are the contract’s own', async () => {
    const journal = new RequestJournal({ clock: () => NOW });
    const app = express();
    app.use('/grafana', createRouter(testRegistry(), { clock: () => NOW, journal }));
    await request(app).post('/grafana/search?x=1').send({ target: '' }).expect(200);
    expect(journal.list().map(({ path, query }) => ({ path, query }))).toEqual([
      { path: '/search', query: { x: '1' } },
    ]);
  });
});
