import { join } from 'node:path';
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
