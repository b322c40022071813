import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { closeDatabasesOf } from '../../src/fixtures/databases';
import { loadFixtures } from '../../src/fixtures/load';
import { createApp } from '../../src/process/app';
import { DatabaseUnavailableError } from '../../src/errors';
import { Registry } from '../../src/registry/registry';
import { NOW, testRegistry } from '../helpers';

describe('GET / (Save & test) and GET /healthz with health checks', () => {
  it('answers ok with the checks when each answers, and keeps the result 5 s', async () => {
    let calls = 0;
    let now = NOW;
    const registry = testRegistry();
    registry.addHealthCheck({
      name: 'database "plant"',
      check: async () => {
        calls += 1;
      },
    });
    const app = createApp({ registry, clock: () => now });
    const res = await request(app).get('/').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { 'database "plant"': 'ok' } });
    await request(app).get('/').expect(200);
    expect(calls).toBe(1);
    now += 5000;
    await request(app).get('/').expect(200);
    expect(calls).toBe(2);
  });

  it('a check that fails makes Save & test fail with its message; /healthz still answers ok', async () => {
    const registry = testRegistry();
    registry.addHealthCheck({ name: 'database "ok"', check: async () => undefined });
    registry.addHealthCheck({
      name: 'database "plant"',
      check: async () => {
        throw new DatabaseUnavailableError('plant', 'connect ECONNREFUSED 127.0.0.1:1');
      },
    });
    const app = createApp({ registry, clock: () => NOW });
    const res = await request(app).get('/').expect(503);
    expect(res.body).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      message: 'database "plant" is unreachable: connect ECONNREFUSED 127.0.0.1:1',
      error: { code: 'DATABASE_UNAVAILABLE' },
    });
    expect((await request(app).get('/healthz').expect(200)).body).toEqual({
      status: 'ok',
      name: 'simplejson-server',
    });
    // The rest of the contract is served as before.
    await request(app).post('/search').send({ target: '' }).expect(200);
  });

  it('a check that throws something else still answers JSON naming the check', async () => {
    const registry = new Registry();
    registry.addHealthCheck({
      name: 'cache',
      check: () => Promise.reject(new Error('socket hang up')),
    });
    const res = await request(createApp({ registry })).get('/').expect(502);
    expect(res.body).toMatchObject({
      code: 'SOURCE_FAILED',
      message: 'cache does not answer: socket hang up',
    });
  });

  it('/healthz is exempt from auth like GET / when health is public, refuses other methods', async () => {
    const app = createApp({
      registry: testRegistry(),
      auth: { bearerTokens: ['t0ken'], exemptHealth: true },
    });
    await request(app).get('/healthz').expect(200);
    await request(app).post('/search').send({}).expect(401);
    const closed = createApp({ registry: testRegistry(), auth: { bearerTokens: ['t0ken'] } });
    await request(closed).get('/healthz').expect(401);
    await request(closed).get('/healthz').set('Authorization', 'Bearer t0ken').expect(200);
    await request(closed).post('/healthz').set('Authorization', 'Bearer t0ken').expect(405);
  });

  it('a declared database that does not answer: Save & test names it, the other metrics still answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'health-'));
    writeFileSync(
      join(dir, 'plant.json'),
      JSON.stringify({
        databases: [{ name: 'plant', url: 'postgres://grafana@127.0.0.1:1/plant', connectTimeout: 500 }],
        series: [
          { name: 'room.temperature', sql: { database: 'plant', query: 'SELECT 1 AS time, 2 AS value' } },
          { name: 'flat', generator: { type: 'constant', value: 1, step: '1m' } },
        ],
      }),
    );
    const registry = await loadFixtures(dir, { onWarning: () => undefined });
    try {
      const app = createApp({ registry, clock: () => NOW });
      const res = await request(app).get('/').expect(503);
      expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
      expect(res.body.message).toMatch(/^database "plant" is unreachable: /);
      await request(app).get('/healthz').expect(200);
      const flat = await request(app)
        .post('/query')
        .send({
          range: { from: new Date(NOW - 600_000).toISOString(), to: new Date(NOW).toISOString() },
          targets: [{ target: 'flat' }],
        })
        .expect(200);
      expect(flat.body[0].datapoints.length).toBeGreaterThan(0);
    } finally {
      await closeDatabasesOf(registry);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
