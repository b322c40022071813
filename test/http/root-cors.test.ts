import express from 'express';
import request from 'supertest';
import { createRouter } from '../../src/http/router';
import { fixedClock } from '../../src/time/clock';
import { NOW, testApp, testRegistry } from '../helpers';

const ROUTES = ['/', '/search', '/query', '/annotations', '/tag-keys', '/tag-values'];

describe('GET / (Save & test)', () => {
  it('answers 200 JSON, with Content-Type: application/json on the GET as Grafana sends it', async () => {
    const res = await request(testApp()).get('/').set('Content-Type', 'application/json').expect(200);
    expect(res.body).toEqual({ status: 'ok', name: 'simplejson-server', metrics: 6, annotationSets: 2 });
  });

  it('answers HEAD with 200 and no body', async () => {
    const res = await request(testApp()).head('/').expect(200);
    expect(res.text).toBeUndefined();
  });

  it('answers at the mount path with and without a trailing slash (simpod tests {url}, legacy {url}/)', async () => {
    const app = express();
    app.use('/grafana', createRouter(testRegistry(), { clock: fixedClock(NOW) }));
    await request(app).get('/grafana').expect(200);
    await request(app).get('/grafana/').expect(200);
    const res = await request(app).post('/grafana/search').send({ target: 'stored' }).expect(200);
    expect(res.body).toEqual(['stored.small']);
    const missing = await request(app).post('/grafana/nope').send({}).expect(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('sends no X-Powered-By', async () => {
    const res = await request(testApp()).get('/').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('CORS for browser (direct) access', () => {
  it.each(ROUTES)(
    'OPTIONS %s preflight: 204, methods, requested headers echoed, any origin by default',
    async (path) => {
      const res = await request(testApp())
        .options(path)
        .set('Origin', 'https://grafana.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,authorization,x-grafana-device-id')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,POST,OPTIONS');
      expect(res.headers['access-control-allow-headers']).toBe(
        'content-type,authorization,x-grafana-device-id',
      );
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it('a preflight on an unknown route is answered too (no auth, no 404)', async () => {
    await request(testApp())
      .options('/whatever')
      .set('Origin', 'https://g.example')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
  });

  it('with an allow-list: the listed origin is echoed with credentials, others get no CORS headers', async () => {
    const app = testApp({ cors: { origins: ['https://grafana.example.com'] } });
    const ok = await request(app)
      .options('/query')
      .set('Origin', 'https://grafana.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://grafana.example.com');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(ok.headers.vary).toMatch(/Origin/);
    const other = await request(app)
      .options('/query')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('any origin with credentials echoes the origin (browsers refuse * with credentials)', async () => {
    const res = await request(testApp({ cors: { origins: '*', credentials: true } }))
      .post('/search')
      .set('Origin', 'https://grafana.example.com')
      .send({ target: '' })
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://grafana.example.com');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('actual requests carry Access-Control-Allow-Origin too, errors included', async () => {
    const res = await request(testApp())
      .post('/query')
      .set('Origin', 'https://g.example')
      .send('{')
      .expect(400);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
