import type { ChildProcess } from 'node:child_process';
import { spawnBin, waitForLine } from '../support/bin';

/** The CLI's runtime control settings reach the running server: the journal's bounds, here. */
jest.setTimeout(60_000);

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
});

it('keeps --journal-size requests, and a body past a quarter of --journal-bytes as its size', async () => {
  child = spawnBin([
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--admin-token',
    'cli-admin',
    '--journal-size',
    '2',
    '--journal-bytes',
    '64kb',
  ]);
  const [, url] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const post = (target: string) =>
    fetch(`${url}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target }),
    });
  await post('first');
  await post('second');
  await post('x'.repeat(20_000)); // 20 kB: more than a quarter of 64 KiB
  const res = await fetch(`${url}/admin/requests`, { headers: { Authorization: 'Bearer cli-admin' } });
  const { requests } = (await res.json()) as { requests: Array<{ body: unknown }> };
  expect(requests.map((r) => r.body)).toEqual([{ target: 'second' }, { truncated: true, bytes: 20_013 }]);
});
