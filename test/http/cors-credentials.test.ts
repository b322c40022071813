import request from 'supertest';
import { testApp } from '../helpers';

const GRAFANA = 'https://grafana.example.com';
const basic = `Basic ${Buffer.from('grafana:pw').toString('base64')}`;
const auth = { basic: { user: 'grafana', password: 'pw' } };

/** The allow-list with credentials, as Browser access with "With Credentials" or basic auth needs it. */
describe('CORS allow-list with credentials', () => {
  const app = testApp({ cors: { origins: [GRAFANA] }, auth });

  it('the listed origin gets its origin echoed, credentials allowed, and Vary: Origin', async () => {
    const res = await request(app)
      .post('/search')
      .set('Origin', GRAFANA)
      .set('Authorization', basic)
      .send({ target: 'stored' })
      .expect(200);
    expect(res.body).toEqual(['stored.small']);
    expect(res.headers['access-control-allow-origin']).toBe(GRAFANA);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('another origin gets no Access-Control-Allow-Origin, so a browser keeps the answer from it', async () => {
    const res = await request(app)
      .post('/search')
      .set('Origin', 'https://evil.example')
      .set('Authorization', basic)
      .send({ target: 'stored' })
      .expect(200);
    // The cors package still sends Access-Control-Allow-Credentials: true; without a matching
    // Access-Control-Allow-Origin a browser refuses the answer all the same (Fetch standard, CORS check).
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an origin that only starts like the listed one is not the listed one', async () => {
    for (const origin of [`${GRAFANA}.evil.example`, 'http://grafana.example.com', `${GRAFANA}:8443`]) {
      const res = await request(app)
        .options('/query')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('a 401 for the listed origin carries CORS headers, so Grafana can read the message', async () => {
    const res = await request(app).post('/query').set('Origin', GRAFANA).send({}).expect(401);
    expect(res.headers['access-control-allow-origin']).toBe(GRAFANA);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('with * and no credentials (the default), credentials are never allowed', async () => {
    const res = await request(testApp())
      .options('/query')
      .set('Origin', GRAFANA)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
