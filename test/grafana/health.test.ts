import { FakeGrafana } from './fake-grafana';
import { answering, closedPortUrl, runCli, type TestServer } from './test-servers';

let grafana: FakeGrafana;
let simplejson: TestServer;

beforeEach(async () => {
  grafana = await FakeGrafana.start();
  simplejson = await answering(200, { status: 'ok', name: 'simplejson-server' });
});
afterEach(async () => {
  await grafana.close();
  await simplejson.close();
});

/** Runs provision; `health` is what it printed between saving and `done`. */
async function provision(url: string, extra: string[] = []) {
  const args = [
    '--grafana-url',
    grafana.url,
    '--grafana-token',
    'admin-token',
    '--url',
    url,
    '--timeout',
    '2',
  ];
  const { code, out, err } = await runCli(['provision', ...args, ...extra]);
  return { code, health: out.slice(3, -1), err, last: out.at(-1) };
}

const cannot = (status: number, message: string, url: string) =>
  `Grafana could not health-check data source "simplejson-server" (${status} ${JSON.stringify(message)}): ` +
  `simpod-json-datasource is a frontend-only plugin, without a backend health check; checking ${url} directly from here`;

describe('grafana provision: the health check', () => {
  it("reports Grafana's OK when the plugin has a health check", async () => {
    grafana.health = { status: 200, body: { status: 'OK', message: 'Data source is working' } };
    const run = await provision(simplejson.url);
    expect(run.health).toEqual([
      'Grafana health check of data source "simplejson-server": OK (Data source is working)',
    ]);
    expect(simplejson.seen).toEqual([]);
  });

  it.each([
    [404, 'Plugin not found'],
    [500, 'Plugin request failed'],
    [400, 'Plugin health check failed'],
  ])('a frontend-only plugin (%i %s): falls back to GET / on this server', async (status, message) => {
    grafana.health = { status, body: { message } };
    const run = await provision(simplejson.url);
    expect(run.code).toBe(0);
    expect(run.health).toEqual([
      cannot(status, message, simplejson.url),
      `GET ${simplejson.url}/ answered 200 (simplejson-server)`,
    ]);
    expect(simplejson.seen).toHaveLength(1);
  });

  it('a backend that reports ERROR is said so, then checked directly', async () => {
    grafana.health = { status: 400, body: { status: 'ERROR', message: 'bad gateway' } };
    const run = await provision(simplejson.url);
    expect(run.health[0]).toBe(
      `Grafana's health check of data source "simplejson-server" failed (400 "bad gateway"); checking ${simplejson.url} directly from here`,
    );
  });

  it('this server unreachable from here: a warning, still exit 0', async () => {
    const closed = await closedPortUrl();
    const run = await provision(closed);
    expect(run.code).toBe(0);
    expect(run.err).toEqual([
      `warning: GET ${closed}/ failed from here: connection refused (ECONNREFUSED). Grafana may still reach it ` +
        'from its own network; press "Save & test" on the data source page to be sure',
    ]);
    expect(run.last).toBe('done');
  });

  it('this server answering non-200: a warning', async () => {
    const broken = await answering(503, { message: 'starting' });
    const run = await provision(broken.url);
    await broken.close();
    expect(run.err).toEqual([
      `warning: GET ${broken.url}/ answered 503 "starting", not 200: "Save & test" in Grafana will fail`,
    ]);
  });

  it('--require-health turns an unconfirmed health into exit 1', async () => {
    const closed = await closedPortUrl();
    const run = await provision(closed, ['--require-health']);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe('health not confirmed, and --require-health was given');
  });

  it('--skip-health-check asks nothing', async () => {
    const run = await provision(simplejson.url, ['--skip-health-check']);
    expect(run.code).toBe(0);
    expect(grafana.requests.some((r) => r.path.endsWith('/health'))).toBe(false);
    expect(simplejson.seen).toEqual([]);
  });
});
