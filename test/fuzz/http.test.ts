/**
 * Property-based fuzzing through HTTP: arbitrary JSON and mutated recorded Grafana bodies at every
 * endpoint. Whatever goes in: never a 5xx, always a JSON object or array, the app still answers a
 * known-good request afterwards, and no built-in prototype gains a property. Bounded so the whole fuzz
 * suite stays within a few seconds (CI runs it with `npm test`).
 */
import fc from 'fast-check';
import request from 'supertest';
import {
  expectSaneAnswer,
  expectStillServes,
  fuzzApp,
  HOSTILE_KEYS,
  mutate,
  mutationArb,
  POST_PATHS,
  postRaw,
  prototypeSnapshot,
  recordedBodies,
  withKeyEverywhere,
} from './support';

const BODIES = recordedBodies();
const before = prototypeSnapshot();

afterEach(() => {
  expect(prototypeSnapshot()).toBe(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('fuzz: arbitrary input at every endpoint', () => {
  const app = fuzzApp();

  it.each(POST_PATHS)('POST %s with any JSON value', async (path) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        expectSaneAnswer(await postRaw(app, path, JSON.stringify(value)));
      }),
      { numRuns: 60 },
    );
    await expectStillServes(app);
  });

  it.each(POST_PATHS)('POST %s with any text (mostly not JSON)', async (path) => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        expectSaneAnswer(await postRaw(app, path, text));
      }),
      { numRuns: 40 },
    );
    await expectStillServes(app);
  });

  it('GET, HEAD-less methods and odd paths answer JSON too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'put', 'delete', 'patch', 'post'),
        fc.oneof(fc.constantFrom('/', ...POST_PATHS), fc.webPath()),
        async (method, path) => {
          expectSaneAnswer(await request(app)[method](path).send({}));
        },
      ),
      { numRuns: 80 },
    );
    await expectStillServes(app);
  });
});

describe('fuzz: mutated recorded Grafana bodies', () => {
  const app = fuzzApp();

  it('there are recorded bodies for the core endpoints', () => {
    const paths = new Set(BODIES.map((b) => b.path));
    for (const path of ['/search', '/query', '/annotations', '/tag-keys', '/tag-values']) {
      expect(paths).toContain(path);
    }
  });

  it.each(BODIES.map((b) => [b.name, b] as const))('%s, mutated', async (_name, recorded) => {
    expectSaneAnswer(await postRaw(app, recorded.path, JSON.stringify(recorded.body)));
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const body = mutate(recorded.body, mutations);
        expectSaneAnswer(await postRaw(app, recorded.path, JSON.stringify(body)));
      }),
      { numRuns: 40 },
    );
    await expectStillServes(app);
  });

  it.each(HOSTILE_KEYS)('a %s key at every level of every recorded body pollutes nothing', async (key) => {
    for (const recorded of BODIES) {
      const text = JSON.stringify(withKeyEverywhere(recorded.body, key));
      expect(text).toContain(`"${key}":{"polluted":true`);
      expectSaneAnswer(await postRaw(app, recorded.path, text));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectStillServes(app);
  });
});
