import { join } from 'node:path';
import { usage } from '../src/process/config';
import { finished, ROOT, runBin, spawnBin, waitForLine } from './support/bin';

// Each start loads the TypeScript compiler in the child (about 3 s).
jest.setTimeout(60_000);

describe('the simplejson-server command line', () => {
  it('--help prints every setting with its env var and exits 0', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: simplejson-server \[options\]/);
    for (const text of ['--port', 'PORT', '--fixtures', 'FIXTURES_DIR', '--cors-origins', '--body-limit']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('--help lists the subcommands with one example each', async () => {
    const result = await runBin(['--help']);
    expect(result).toEqual({ code: 0, signal: null, stdout: `${usage()}\n`, stderr: '' });
    const commands = result.stdout.slice(
      result.stdout.indexOf('Commands:'),
      result.stdout.indexOf('Options'),
    );
    expect(commands).toBe(
      [
        'Commands:',
        '  grafana provision           create or update the data source in Grafana through its HTTP API',
        '                              e.g. simplejson-server grafana provision --grafana-url http://grafana:3000 --url http://simplejson:8080',
        '  grafana yaml                print a Grafana provisioning file for the data source',
        '                              e.g. simplejson-server grafana yaml --url http://simplejson:8080 > datasource.yaml',
        '  check [dir]                 check the fixture files in dir without starting the server',
        '                              e.g. simplejson-server check ./my-fixtures',
        '  Run "simplejson-server <command> --help" for its options.',
        '',
        '',
      ].join('\n'),
    );
    expect(
      result.stdout.endsWith(
        [
          'A true/false flag given alone means true (--watch); --watch=false and --watch false also work.',
          'A duration is 500ms, 10s, 5m, 1h30m, or a bare number of milliseconds (--request-timeout 5000).',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
  });

  it('takes a true/false flag alone and a duration in bare milliseconds', async () => {
    const child = spawnBin([
      '--watch',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--request-timeout',
      '5000',
      '--fixtures',
      join(ROOT, 'test', 'fixtures', 'good'),
    ]);
    const done = finished(child);
    const [line] = await waitForLine(child, /^\{.*listening on.*\}$/m);
    expect(JSON.parse(line)).toMatchObject({ watch: true, fixtures: join(ROOT, 'test', 'fixtures', 'good') });
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it('refuses a word after a true/false flag that is not true or false, exit code 2', async () => {
    const result = await runBin(['--watch', 'sometimes']);
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'simplejson-server: --watch must be true or false, got "sometimes"\n',
    });
  });

  it('refuses a bad value with a message naming it and exit code 2', async () => {
    const result = await runBin(['--port', 'eighty']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('--port must be a whole number, got "eighty"');
  });

  it('refuses a broken fixtures directory naming the file and field, exit code 2', async () => {
    const result = await runBin([
      '--port',
      '0',
      '--fixtures',
      join(ROOT, 'test', 'fixtures', 'bad', 'bad-time'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/times\.json: .*cannot parse/);
  });

  it('serves fixtures given by env on a free port, answers over HTTP, and exits 0 on SIGTERM', async () => {
    const child = spawnBin([], {
      PORT: '0',
      HOST: '127.0.0.1',
      FIXTURES_DIR: join(ROOT, 'test', 'fixtures', 'good'),
    });
    const done = finished(child);
    const [, url] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const root = await fetch(`${url}/`);
    expect(root.status).toBe(200);
    const search = await fetch(`${url}/search`, { method: 'POST', body: '{"target":""}' });
    expect(search.status).toBe(200);
    expect(Array.isArray(await search.json())).toBe(true);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
  });
});
