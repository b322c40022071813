import request from 'supertest';
import { createApp } from '../../src/process/app';
import { Registry } from '../../src/registry/registry';
import { fixedClock } from '../../src/time/clock';
import { NOW, testRegistry } from '../helpers';

const sine = { type: 'sine', step: 60_000, period: 3_600_000, amplitude: 1, offset: 0, phase: 0 } as const;

describe('answers kept per registry revision (GET /, POST /search)', () => {
  it('a metric added at run time shows at once in /search, / and a variable query', async () => {
    const registry = testRegistry();
    const app = createApp({ registry, clock: fixedClock(NOW) });
    const before = await request(app).post('/search').send({ target: '' }).expect(200);
    const rootBefore = await request(app).get('/').expect(200);
    const cities = await request(app).post('/search').send({ target: 'label_values(City)' }).expect(200);
    expect(before.body).not.toContain('pressure.Oslo');

    registry.addTimeSeries({
      name: 'pressure.Oslo',
      labels: { City: 'Oslo' },
      source: { kind: 'generated', generator: sine },
    });

    const after = await request(app).post('/search').send({ target: '' }).expect(200);
    expect(after.body).toEqual([
      ...before.body.slice(0, registry.size - 1),
      'pressure.Oslo',
      ...before.body.slice(registry.size - 1),
    ]);
    const rootAfter = await request(app).get('/').expect(200);
    expect(rootAfter.body.metrics).toBe(rootBefore.body.metrics + 1);
    const citiesAfter = await request(app).post('/search').send({ target: 'label_values(City)' }).expect(200);
    expect(citiesAfter.body).toEqual([...cities.body, 'Oslo'].sort());
  });

  it('a registry swapped whole (a reload) is answered from the new one', async () => {
    let current = testRegistry();
    const app = createApp({ registry: () => current, clock: fixedClock(NOW) });
    await request(app).post('/search').send({ target: '' }).expect(200);
    const next = new Registry();
    next.addTimeSeries({ name: 'only.this', source: { kind: 'generated', generator: sine } });
    current = next;
    const res = await request(app).post('/search').send({ target: '' }).expect(200);
    expect(res.body).toEqual(['only.this']);
    expect((await request(app).get('/').expect(200)).body).toMatchObject({ metrics: 1, annotationSets: 0 });
  });

  it('the same question twice gets the same bytes; a bad one is still refused each time', async () => {
    const app = createApp({ registry: testRegistry(), clock: fixedClock(NOW) });
    const a = await request(app).post('/search').send({ target: 'temperature' }).expect(200);
    const b = await request(app).post('/search').send({ target: 'temperature' }).expect(200);
    expect(b.text).toBe(a.text);
    expect(b.headers['content-length']).toBe(String(Buffer.byteLength(a.text)));
    for (let i = 0; i < 2; i++) {
      const bad = await request(app).post('/search').send({ target: 'label_values(' }).expect(400);
      expect(bad.body.message).toEqual(expect.any(String));
    }
  });
});
