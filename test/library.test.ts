import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import * as lib from '../src';
import { startServer } from '../src/process/start';
import { fixedClock } from '../src/time/clock';
import { HOUR, NOW, testRegistry } from './helpers';

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('startServer for test harnesses', () => {
  it('starts on port 0 with a fixture object, answers over real HTTP, and closes leaving nothing open', async () => {
    const server = await startServer({
      port: 0,
      clock: fixedClock(NOW),
      fixtures: {
        series: [{ name: 'flat', generator: { type: 'constant', value: 7, step: '1h' } }],
      },
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const res = await post(server.url, '/query', {
      targets: [{ target: 'flat', refId: 'A' }],
      range: { from: NOW - 3 * HOUR, to: NOW },
    });
    expect(res).toEqual({
      status: 200,
      body: [
        {
          target: 'flat',
          refId: 'A',
          datapoints: [
            [7, NOW - 3 * HOUR],
            [7, NOW - 2 * HOUR],
            [7, NOW - HOUR],
            [7, NOW],
          ],
        },
      ],
    });
    // A keep-alive connection must not hold close() open.
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${server.url}/`, { agent: new Agent({ keepAlive: true }) }, (r) => {
        r.resume();
        r.on('end', () => resolve());
      });
      req.end();
    });
    await server.close();
    expect(server.server.listening).toBe(false);
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });

  it('serves a ready registry, or the bundled demo by default', async () => {
    const custom = await startServer({ registry: testRegistry() });
    expect((await post(custom.url, '/search', { target: 'stored' })).body).toEqual(['stored.small']);
    await custom.close();
    const demo = await startServer();
    const metrics = (await post(demo.url, '/search', { target: '' })).body as unknown[];
    expect(metrics.length).toBeGreaterThan(5);
    await demo.close();
  });

  it('refuses a missing fixtures directory with a message naming it', async () => {
    await expect(startServer({ fixtures: '/no/such/dir' })).rejects.toThrow(/\/no\/such\/dir/);
  });
});

describe('the library entry point', () => {
  it('exports the fixture errors a host app can catch: every problem of a load in one FixtureErrors', async () => {
    const dir = join(__dirname, 'fixtures', 'bad', 'first-steps');
    const error = await lib.loadFixtures(dir, { clock: fixedClock(NOW) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(lib.FixtureErrors);
    expect(error).toBeInstanceOf(lib.FixtureError);
    expect((error as InstanceType<typeof lib.FixtureErrors>).errors.length).toBeGreaterThan(1);
    expect(typeof lib.inspectFixtures).toBe('function');
  });
});
