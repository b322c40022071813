import { runBin } from '../support/bin';
import { FakeGrafana } from './fake-grafana';
import { redacting } from '../../src/grafana/io';
import { runCli } from './test-servers';
import { GROUP_USAGE, PROVISION_USAGE, YAML_USAGE } from '../../src/grafana/usage';

const run = runCli;

describe('the grafana command group', () => {
  it.each([[['--help']], [['-h']], [['help']]])('%j prints the group usage', async (argv) => {
    expect(await run(argv)).toEqual({ code: 0, out: [GROUP_USAGE], err: [] });
  });

  it('without a command: usage on stderr, exit 2', async () => {
    expect(await run([])).toEqual({ code: 2, out: [], err: [GROUP_USAGE] });
  });

  it('an unknown command: exit 2', async () => {
    expect(await run(['deploy'])).toEqual({
      code: 2,
      out: [],
      err: [`simplejson-server grafana: unknown command "deploy"\n\n${GROUP_USAGE}`],
    });
  });

  it('prints each command help', async () => {
    expect(await run(['provision', '--help'])).toEqual({ code: 0, out: [PROVISION_USAGE], err: [] });
    expect(await run(['yaml', '--help'])).toEqual({ code: 0, out: [YAML_USAGE], err: [] });
  });

  it('bad options: exit 2 and a pointer to --help', async () => {
    expect(await run(['provision', '--grafana-url', 'http://g', '--grafana-token', 'tok'])).toEqual({
      code: 2,
      out: [],
      err: [
        'simplejson-server grafana provision: --url is required: the URL Grafana uses to reach this server, ' +
          'e.g. http://simplejson:8080\n(see simplejson-server grafana provision --help)',
      ],
    });
  });
});

describe('redacting', () => {
  it('masks secrets of 4 characters or more in every line', () => {
    const lines: string[] = [];
    const io = redacting({ out: (l) => lines.push(l), err: (l) => lines.push(`E ${l}`) }, [
      'hunter2',
      'abc',
      undefined,
    ]);
    io.out('pw hunter2 and hunter2');
    io.err('abc stays');
    expect(lines).toEqual(['pw *** and ***', 'E abc stays']);
  });
});

/** The real bin: `node src/process/server.ts grafana …` through the hook in server.ts. */
describe('the simplejson-server bin', () => {
  const bin = (args: string[], env: Record<string, string> = {}) => runBin(['grafana', ...args], env);

  // Each spawn loads the TypeScript compiler (~3 s).
  jest.setTimeout(60_000);

  it('dispatches `grafana yaml` and exits 0', async () => {
    const result = await bin(['yaml', '--url', 'http://simplejson:8080']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  - name: "simplejson-server"\n    type: "simpod-json-datasource"\n');
  });

  it('dispatches `grafana provision` against a Grafana, env included, and exits with its status', async () => {
    const grafana = await FakeGrafana.start();
    try {
      const ok = await bin(['provision', '--url', 'http://simplejson:8080', '--skip-health-check'], {
        GRAFANA_URL: grafana.url,
        GRAFANA_TOKEN: 'admin-token',
      });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('created data source "simplejson-server"');
      expect(grafana.list()).toHaveLength(1);
      const refused = await bin(['provision', '--url', 'http://simplejson:8080'], {
        GRAFANA_URL: grafana.url,
        GRAFANA_TOKEN: 'wrong-token',
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Grafana rejected the login (401 "Invalid API key")');
      expect(refused.stdout + refused.stderr).not.toContain('wrong-token');
    } finally {
      await grafana.close();
    }
  });
});
