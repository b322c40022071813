import { chmodSync, cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, ROOT, spawnBin } from './support/bin';

// Each start loads the TypeScript compiler in the child (about 3 s).
jest.setTimeout(60_000);

/**
 * Who the bin runs as. Root reads anything whatever its mode, so as root the bin runs as uid/gid 1000 (the
 * `node` user of the Docker image); as anyone else it runs as the test's own user, whom mode 000 stops.
 */
const asRoot = process.getuid?.() === 0;
const user = asRoot ? { uid: 1000, gid: 1000 } : { uid: process.getuid?.(), gid: process.getgid?.() };

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'fixture-access-')));
  cpSync(join(ROOT, 'test', 'fixtures', 'good'), dir, { recursive: true });
  chmodSync(dir, 0o755); // mkdtemp makes it 0700
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

describe('a fixtures directory the server may not read', () => {
  it('runs on a POSIX system, so permissions can be tested', () => {
    expect(user.uid).toEqual(expect.any(Number));
  });

  it.each([
    ['the directory itself', ''],
    ['a fixture file in it', 'stored.json'],
    ['a CSV file a fixture names', 'csv/values.csv'],
  ])('%s: one line naming the path and the uid, exit code 2', async (_what, path) => {
    const denied = path === '' ? dir : join(dir, path);
    chmodSync(denied, 0o000);
    const child = spawnBin(
      ['--port', '0', '--host', '127.0.0.1', '--fixtures', dir],
      {},
      asRoot ? { uid: 1000, gid: 1000 } : {},
    );
    const result = await finished(child);
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        `simplejson-server: cannot read fixtures ${JSON.stringify(denied)}: permission denied (EACCES) ` +
        `for uid ${user.uid} (gid ${user.gid}); make it readable by that user (e.g. chmod -R a+rX on the host)\n`,
    });
  });
});
