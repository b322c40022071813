import { FakeGrafana } from './fake-grafana';
import { answering, runCli, type TestServer } from './test-servers';

/** Every secret the provision tests use: none may ever reach the command's output. */
export const SECRETS = ['admin-token', 'admin-pass', 's3cret-pw'];
export const PREFIX = 'simplejson-server grafana provision: ';
export const token = ['--grafana-token', 'admin-token'];

export interface ProvisionHarness {
  /** A fresh fake Grafana for each test. */
  readonly grafana: FakeGrafana;
  /** A stand-in for our server, answering GET / with 200. */
  readonly simplejson: TestServer;
  /** Runs `grafana provision` in-process against both; checks that no secret reaches the output. */
  provision(extra?: string[], env?: Record<string, string>): ReturnType<typeof runCli>;
}

/** Registers beforeEach/afterEach hooks that start and stop both servers around every test. */
export function provisionHarness(): ProvisionHarness {
  let grafana: FakeGrafana | undefined;
  let simplejson: TestServer | undefined;
  beforeEach(async () => {
    grafana = await FakeGrafana.start();
    simplejson = await answering(200, { status: 'ok', name: 'simplejson-server', metrics: 3 });
  });
  afterEach(async () => {
    await grafana?.close();
    await simplejson?.close();
  });
  const started = <T>(server: T | undefined): T => {
    if (server === undefined) throw new Error('the provision harness is used outside a test');
    return server;
  };
  const harness: ProvisionHarness = {
    get grafana() {
      return started(grafana);
    },
    get simplejson() {
      return started(simplejson);
    },
    async provision(extra = [], env = {}) {
      const args = ['--grafana-url', harness.grafana.url, '--url', harness.simplejson.url, '--timeout', '2'];
      const run = await runCli(['provision', ...args, ...extra], env);
      for (const secret of SECRETS) expect([...run.out, ...run.err].join('\n')).not.toContain(secret);
      return run;
    },
  };
  return harness;
}
