import type { ChildProcess } from 'node:child_process';
import { finished, spawnBin, waitForLine } from './support/bin';

// Each process start loads the TypeScript compiler in the child (about 3 s).
jest.setTimeout(60_000);

const SHUTDOWN_TIMEOUT = 2000;
/** The final log flush may wait this long for a reader that is alive but not reading (log-destination.ts). */
const EXIT_FLUSH = 1000;

const children: ChildProcess[] = [];
afterEach(() => {
  // A child that did not exit in time is the failure being reported: do not leave it running.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startBin(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnBin([
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--shutdown-timeout',
    String(SHUTDOWN_TIMEOUT),
  ]);
  children.push(child);
  const [, url = ''] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { child, url };
}

/** Resolves with the exit code, or with 'still running' if the child has not exited within `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null | 'still running'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('logging never holds the process at shutdown', () => {
  it('stdout read by something that exits (`simplejson-server | head -1`): SIGTERM exits 0 within the shutdown timeout', async () => {
    const { child } = await startBin();
    // What head does after the first line: close its end of the pipe. The next write gets EPIPE.
    child.stdout?.destroy();
    await new Promise((r) => setTimeout(r, 200)); // the pipe is closed before the signal comes
    const exited = exitWithin(child, SHUTDOWN_TIMEOUT);
    child.kill('SIGTERM'); // the "stopping" and "stopped" lines are the first writes to the broken pipe
    expect(await exited).toBe(0);
  });

  it('stdout read by something that stopped reading (a full pipe): SIGTERM still exits 0 in time', async () => {
    const { child, url } = await startBin();
    child.stdout?.pause(); // Node stops reading once its own buffer is full; then the pipe fills up
    // ~330-byte request lines (the path is cut at 200 characters): far more than the pipe holds.
    const path = `/${'x'.repeat(1000)}`;
    for (let i = 0; i < 100; i++) {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${url}${path}`).then((r) => r.status)),
      );
      expect(statuses).toEqual(Array.from({ length: 20 }, () => 404));
    }
    const exited = exitWithin(child, SHUTDOWN_TIMEOUT + EXIT_FLUSH);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a clean shutdown writes the last lines, including requests answered just before SIGTERM', async () => {
    const { child, url } = await startBin();
    const done = finished(child);
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/`)).status).toBe(200);
    // At once: the request lines are still gathered in memory, not yet written.
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => !String(l.msg).includes('listening on')); // read by waitForLine before `finished`
    expect(lines.map((l) => [l.msg, l.method, l.path, l.status])).toEqual([
      ...Array.from({ length: 5 }, () => ['request', 'GET', '/', 200]),
      ['stopping: finishing requests in flight', undefined, undefined, undefined],
      ['stopped', undefined, undefined, undefined],
    ]);
  });
});
