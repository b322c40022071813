import request from 'supertest';
import type { AuthOptions } from '../../src/http/options';
import { testApp } from '../helpers';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const BASIC: AuthOptions = { basic: { user: 'grafana', password: 's3cret:with colon' } };
const BEARER: AuthOptions = { bearerTokens: ['token-one', 'token-two'] };
const BOTH: AuthOptions = { ...BASIC, ...BEARER };
const CHALLENGE_BASIC = 'Basic realm="simplejson-server", charset="UTF-8"';
const CHALLENGE_BEARER = 'Bearer realm="simplejson-server"';

const unauthorized = (message: string) => ({
  message,
  code: 'UNAUTHORIZED',
  error: { code: 'UNAUTHORIZED', message },
});
const MISSING = unauthorized('authentication required');
const WRONG = unauthorized('invalid credentials (user, password or token)');

function search(auth: AuthOptions, authorization?: string) {
  const req = request(testApp({ auth })).post('/search').send({ target: 'stored' });
  return authorization === undefined ? req : req.set('Authorization', authorization);
}

describe('auth is off by default', () => {
  it('answers without credentials, and ignores any that are sent', async () => {
    await request(testApp()).post('/search').send({ target: 'stored' }).expect(200, ['stored.small']);
    await request(testApp())
      .post('/search')
      .set('Authorization', basic('x', 'y'))
      .send({ target: 'stored' })
      .expect(200, ['stored.small']);
  });
});

describe('basic auth', () => {
  it('accepts the right user and password (a password may contain ":")', async () => {
    const res = await search(BASIC, basic('grafana', 's3cret:with colon')).expect(200);
    expect(res.body).toEqual(['stored.small']);
  });

  it.each([
    ['wrong password', basic('grafana', 'nope')],
    ['wrong user', basic('admin', 's3cret:with colon')],
    ['password with a trailing newline', basic('grafana', 's3cret:with colon\n')],
    ['empty credentials', basic('', '')],
    ['no colon at all', `Basic ${Buffer.from('grafana').toString('base64')}`],
    ['garbage base64', 'Basic %%%'],
    ['a bearer token when only basic is on', 'Bearer s3cret:with colon'],
    ['an unknown scheme', 'Digest username="grafana"'],
    ['a bare scheme', 'Basic'],
  ])('refuses %s with 401, WWW-Authenticate and a JSON error', async (_name, header) => {
    const res = await search(BASIC, header).expect(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE_BASIC);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(WRONG);
  });

  it('refuses a request without credentials, saying they are required', async () => {
    const res = await search(BASIC).expect(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE_BASIC);
    expect(res.body).toEqual(MISSING);
  });

  it('accepts the scheme in any case (RFC 7235)', async () => {
    await search(BASIC, basic('grafana', 's3cret:with colon').replace('Basic', 'bAsIc')).expect(200);
  });

  it('guards every route, unknown ones included (no route list leaks to strangers)', async () => {
    const app = testApp({ auth: BASIC });
    for (const path of ['/query', '/annotations', '/tag-keys', '/tag-values', '/nope']) {
      const res = await request(app).post(path).send({}).expect(401);
      expect(res.body).toEqual(MISSING);
    }
    await request(app).get('/').expect(401, MISSING);
    await request(app).get('/query').expect(401, MISSING);
  });
});

describe('bearer tokens', () => {
  it.each(['token-one', 'token-two'])('accepts every configured token (%s)', async (token) => {
    await search(BEARER, `Bearer ${token}`).expect(200, ['stored.small']);
  });

  it.each([
    ['a wrong token', 'Bearer token-three'],
    ['a prefix of a token', 'Bearer token-'],
    ['a token with extra characters', 'Bearer token-one1'],
    ['basic credentials', basic('token-one', 'token-one')],
  ])('refuses %s', async (_name, header) => {
    const res = await search(BEARER, header).expect(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE_BEARER);
    expect(res.body).toEqual(WRONG);
  });
});

describe('basic and bearer together', () => {
  it('accepts either, and challenges with both schemes', async () => {
    await search(BOTH, basic('grafana', 's3cret:with colon')).expect(200);
    await search(BOTH, 'Bearer token-two').expect(200);
    const res = await search(BOTH).expect(401, MISSING);
    // Node joins repeated headers with ", " when reading them back.
    expect(res.headers['www-authenticate']).toBe(`${CHALLENGE_BASIC}, ${CHALLENGE_BEARER}`);
  });
});

describe('what auth leaves open', () => {
  it('OPTIONS preflights are answered without credentials (grafana/grafana#27127)', async () => {
    const res = await request(testApp({ auth: BOTH, cors: { origins: ['https://grafana.example.com'] } }))
      .options('/query')
      .set('Origin', 'https://grafana.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://grafana.example.com');
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('a 401 carries CORS headers, so a browser-mode Grafana can show the message', async () => {
    const res = await request(testApp({ auth: BASIC }))
      .post('/query')
      .set('Origin', 'https://g.example')
      .send({})
      .expect(401);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('GET / needs credentials unless exemptHealth is on', async () => {
    await request(testApp({ auth: BASIC }))
      .get('/')
      .expect(401, MISSING);
    await request(testApp({ auth: BASIC }))
      .get('/')
      .set('Authorization', basic('grafana', 's3cret:with colon'))
      .expect(200);
  });

  it('with exemptHealth, GET and HEAD / without credentials pass; wrong credentials still fail', async () => {
    const app = testApp({ auth: { ...BASIC, exemptHealth: true } });
    const res = await request(app).get('/').expect(200);
    expect(res.body).toEqual({ status: 'ok', name: 'simplejson-server', metrics: 6, annotationSets: 2 });
    await request(app).head('/').expect(200);
    // Grafana's "Save & test" with a wrong password must not report success.
    await request(app).get('/').set('Authorization', basic('grafana', 'wrong')).expect(401, WRONG);
    // Only the health route is exempt.
    await request(app).post('/search').send({ target: '' }).expect(401, MISSING);
    await request(app).post('/').send({}).expect(401, MISSING);
  });
});
