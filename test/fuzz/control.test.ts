/**
 * Property-based fuzzing of runtime control through HTTP: arbitrary JSON and text at `/write` (every
 * content type it reads) and at every admin route that takes a body, and odd paths and methods under
 * `/admin/`. Whatever goes in: never a 5xx, always a JSON answer (or `/write`'s empty 204), and the
 * server still answers a known-good query and still describes its registry afterwards.
 */
import fc from 'fast-check';
import request from 'supertest';
import { type RunningServer, startServer } from '../../src/process/start';
import { fixedClock } from '../../src/time/clock';
import { expectSaneAnswer } from './support';

const NOW = Date.UTC(2024, 4, 14, 12);
const ADMIN = { Authorization: 'Bearer fuzz-admin' };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    fixtures: { series: [{ name: 'known', points: [[1, NOW - 1000]] }] },
    clock: fixedClock(NOW),
    adminTokens: ['fuzz-admin'],
    logger: { error: (message, error) => console.error(message, error) },
  });
});
afterAll(async () => {
  await server.close();
});

/** A write is answered 204 with no body, or with a JSON error that is not a 5xx. */
function expectSaneWrite(res: request.Response): void {
  if (res.status === 204) {
    expect(res.text).toBe('');
    return;
  }
  expectSaneAnswer(res);
}

async function expectStillWorks(): Promise<void> {
  await server.admin.reset();
  const res = await request(server.app)
    .post('/query')
    .send({ targets: [{ refId: 'A', target: 'known' }], range: { from: NOW - 60_000, to: NOW } })
    .expect(200);
  expect(res.body).toEqual([{ refId: 'A', target: 'known', datapoints: [[1, NOW - 1000]] }]);
  const loaded = await request(server.app).get('/admin/registry').set(ADMIN).expect(200);
  expect(loaded.body.metrics.map((m: { name: string }) => m.name)).toEqual(['known']);
}

const lineish = fc.array(
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      'm v=1',
      'm,t=a v=1i 1',
      'm v="s"',
      'm v=t',
      'm,=a v=1',
      'm v=1 abc',
      '# c',
      'm\\ x,a\\,b=c v=1e3',
    ),
  ),
  { maxLength: 8 },
);

describe('fuzz: runtime control', () => {
  it.each(['text/plain', 'application/json', 'text/csv', 'application/x-www-form-urlencoded', 'image/png'])(
    'POST /write as %s with any text',
    async (type) => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            lineish.map((l) => l.join('\n')),
          ),
          async (text) => {
            expectSaneWrite(
              await request(server.app).post('/write').set(ADMIN).set('Content-Type', type).send(text),
            );
          },
        ),
        { numRuns: 40 },
      );
      await expectStillWorks();
    },
  );

  it('POST /write with any JSON value and any precision', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 4 }),
        fc.string({ maxLength: 4 }),
        async (value, precision) => {
          const res = await request(server.app)
            .post(`/write?precision=${encodeURIComponent(precision)}`)
            .set(ADMIN)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(value));
          expectSaneWrite(res);
        },
      ),
      { numRuns: 60 },
    );
    await expectStillWorks();
  });

  it.each([
    ['put', '/admin/registry'],
    ['post', '/admin/registry'],
    ['put', '/admin/series/x'],
    ['put', '/admin/tables/x'],
    ['put', '/admin/annotations/x'],
    ['post', '/admin/faults'],
  ] as const)('%s %s with any JSON value', async (method, path) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const agent = request(server.app);
        const res = await agent[method](path)
          .set(ADMIN)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(value));
        expectSaneAnswer(res);
      }),
      { numRuns: 50 },
    );
    await request(server.app).delete('/admin/faults').set(ADMIN).expect(200);
    await expectStillWorks();
  });

  it('odd methods, paths and query strings under /admin/ answer JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'put', 'delete', 'patch', 'post'),
        fc.oneof(
          fc.constantFrom(
            '/admin/',
            '/admin/registry',
            '/admin/requests',
            '/admin/faults',
            '/admin/metrics/known',
          ),
          fc.webPath().map((p) => `/admin${p}`),
        ),
        fc.webQueryParameters(),
        async (method, path, query) => {
          const res = await request(server.app)[method](`${path}?${query}`).set(ADMIN).send({});
          expectSaneAnswer(res);
        },
      ),
      { numRuns: 80 },
    );
    await expectStillWorks();
  });
});
