import request from 'supertest';
import { testApp } from '../helpers';

type Case = [
  name: string,
  path: string,
  body: string | undefined,
  status: number,
  code: string,
  message: RegExp,
];

const json = (v: unknown) => JSON.stringify(v);
const range = { from: '2024-05-14T09:00:00.000Z', to: '2024-05-14T15:00:00.000Z' };

// Every row goes through HTTP with a raw body, so the parser, the schema and the pipeline are all exercised.
const cases: Case[] = [
  ['malformed JSON', '/query', '{"targets": [', 400, 'BAD_JSON', /^body is not valid JSON/],
  ['a JSON array body', '/query', '[]', 400, 'INVALID_BODY', /^body must be object$/],
  ['a JSON string body', '/search', '"abc"', 400, 'INVALID_BODY', /^body must be object$/],
  ['a JSON null body', '/tag-values', 'null', 400, 'INVALID_BODY', /^body must be object$/],
  ['no targets', '/query', json({ range }), 400, 'INVALID_BODY', /^body\/targets is required$/],
  [
    'targets not an array',
    '/query',
    json({ targets: 'A' }),
    400,
    'INVALID_BODY',
    /^body\/targets must be array$/,
  ],
  [
    'target not a string',
    '/query',
    json({ targets: [{ target: 5 }] }),
    400,
    'INVALID_BODY',
    /^body\/targets\/0\/target must be string$/,
  ],
  [
    'unknown type',
    '/query',
    json({ targets: [{ target: 'x', type: 'graph' }] }),
    400,
    'INVALID_BODY',
    /^body\/targets\/0\/type must be one of "timeserie", "timeseries", "table"$/,
  ],
  [
    'maxDataPoints 0',
    '/query',
    json({ targets: [], maxDataPoints: 0 }),
    400,
    'INVALID_BODY',
    /^body\/maxDataPoints must be >= 1$/,
  ],
  [
    'maxDataPoints a string',
    '/query',
    json({ targets: [], maxDataPoints: '100' }),
    400,
    'INVALID_BODY',
    /^body\/maxDataPoints must be number$/,
  ],
  [
    'range.from unparseable',
    '/query',
    json({ targets: [{ target: 'stored.small' }], range: { from: 'yesterday', to: 'now' } }),
    400,
    'INVALID_TIME',
    /range\.from.*"yesterday"/,
  ],
  [
    'range.from an object',
    '/query',
    json({ targets: [], range: { from: {} } }),
    400,
    'INVALID_BODY',
    /^body\/range\/from must be string,number$/,
  ],
  [
    'from after to',
    '/query',
    json({ targets: [{ target: 'stored.small' }], range: { from: range.to, to: range.from } }),
    400,
    'INVALID_RANGE',
    /range\.from.*after.*range\.to/,
  ],
  [
    'bad interval',
    '/query',
    json({ targets: [{ target: 'stored.small' }], interval: 'often' }),
    400,
    'INVALID_TIME',
    /interval.*"often"/,
  ],
  [
    'unknown filter operator',
    '/query',
    json({ targets: [], adhocFilters: [{ key: 'a', operator: '~~', value: 'b' }] }),
    400,
    'INVALID_BODY',
    /^body\/adhocFilters\/0\/operator must be one of/,
  ],
  [
    'filter without key',
    '/query',
    json({ targets: [], filters: [{ operator: '=', value: 'b' }] }),
    400,
    'INVALID_BODY',
    /^body\/filters\/0\/key is required$/,
  ],
  [
    'invalid filter regex',
    '/query',
    json({ targets: [{ target: 'stored.small' }], filters: [{ key: 'City', operator: '=~', value: '(' }] }),
    400,
    'INVALID_PATTERN',
    /\(/,
  ],
  [
    'invalid /regex/ target',
    '/query',
    json({ targets: [{ target: '/(/' }] }),
    400,
    'INVALID_PATTERN',
    /target/,
  ],
  [
    'over-long regex target',
    '/query',
    json({ targets: [{ target: `/${'a'.repeat(300)}/` }] }),
    400,
    'INVALID_PATTERN',
    /is too long \(300 > 256 characters\)/,
  ],
  [
    'search target a number',
    '/search',
    json({ target: 1 }),
    400,
    'INVALID_BODY',
    /^body\/target must be string$/,
  ],
  ['tag-values without key', '/tag-values', json({}), 400, 'INVALID_BODY', /^body\/key is required$/],
  [
    'tag-keys filters not array',
    '/tag-keys',
    json({ filters: {} }),
    400,
    'INVALID_BODY',
    /^body\/filters must be array$/,
  ],
  [
    'annotation query a number',
    '/annotations',
    json({ range, annotation: { query: 5 } }),
    400,
    'INVALID_BODY',
    /^body\/annotation\/query must be string$/,
  ],
  [
    'annotation bad time',
    '/annotations',
    json({ range: { from: 'soon', to: 'now' } }),
    400,
    'INVALID_TIME',
    /range\.from/,
  ],
  [
    'too many targets',
    '/query',
    json({ targets: Array.from({ length: 101 }, () => ({ target: 'x' })) }),
    400,
    'INVALID_BODY',
    /^body\/targets must NOT have more than 100 items$/,
  ],
  [
    'a body over the limit',
    '/query',
    json({ targets: [], pad: 'x'.repeat(2 * 1024 * 1024) }),
    413,
    'PAYLOAD_TOO_LARGE',
    /larger than the limit/,
  ],
];

describe('bad input always gets a 4xx JSON error naming what was wrong', () => {
  it.each(cases)('%s → %s', async (_name, path, raw, status, code, message) => {
    const req = request(testApp()).post(path).set('Content-Type', 'application/json');
    const res = raw === undefined ? await req : await req.send(raw);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toMatch(message);
    expect(res.body.error).toEqual({ code, message: res.body.message });
  });

  it('an unknown route is a 404 JSON error, not an HTML page', async () => {
    const res = await request(testApp()).post('/nope').send({}).expect(404);
    expect(res.body).toEqual({
      message: 'no route for POST /nope',
      code: 'NOT_FOUND',
      error: { code: 'NOT_FOUND', message: 'no route for POST /nope' },
    });
  });

  it('a known route with the wrong method is a 405 with Allow', async () => {
    const res = await request(testApp()).get('/query').expect(405);
    expect(res.headers.allow).toBe('POST, OPTIONS');
    expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('unknown fields are accepted and ignored', async () => {
    const res = await request(testApp())
      .post('/search')
      .set('Content-Type', 'application/json')
      .send('{"target":"stored","somethingNew":{"deeply":["nested"]},"__proto__":{"polluted":true}}')
      .expect(200);
    expect(res.body).toEqual(['stored.small']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a missing body is read as {} where Grafana sends none (old /tag-keys)', async () => {
    const res = await request(testApp()).post('/tag-keys').expect(200);
    expect(Array.isArray(res.body)).toBe(true);
  });

  it('a body sent as text/plain or form encoding is still read as JSON (curl without -H)', async () => {
    const res = await request(testApp())
      .post('/search')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('{"target":"stored"}')
      .expect(200);
    expect(res.body).toEqual(['stored.small']);
  });
});
