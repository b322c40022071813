import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, ROOT, spawnBin } from './support/bin';

// The primary and each worker load the TypeScript compiler (about 3 s each, in parallel).
jest.setTimeout(90_000);

/** Resolves once stdout, from now on, has shown `count` matches of `pattern` (all of them, in order). */
function matches(child: ChildProcess, pattern: RegExp, count: number): Promise<RegExpMatchArray[]> {
  const global = new RegExp(pattern.source, 'g');
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      text += c.toString();
      const found = [...text.matchAll(global)];
      if (found.length >= count) {
        child.stdout?.off('data', onData);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before ${count}× ${pattern}: ${text}`)),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const LISTENING = /worker (\d+) listening on (http:\/\/127\.0\.0\.1:\d+)/;

let running: ChildProcess | undefined;

// A failed test must not leave a primary behind (its workers exit when it does: cluster IPC closes).
afterEach(() => {
  if (running !== undefined && running.exitCode === null && running.signalCode === null)
    running.kill('SIGKILL');
  running = undefined;
});

describe('--workers', () => {
  it('serves from 2 workers on one port 0, replaces a killed worker, and stops all on SIGTERM', async () => {
    const child = spawnBin(['--workers', '2', '--port', '0', '--host', '127.0.0.1']);
    running = child;
    const done = finished(child);
    const [first, second] = await matches(child, LISTENING, 2);
    const url = first?.[2] as string;
    expect(second?.[2]).toBe(url); // port 0 in every worker: one shared random port
    const pids = [Number(first?.[1]), Number(second?.[1])];
    expect(new Set(pids).size).toBe(2);
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${url}/search`, { method: 'POST', body: '{"target":""}' });
      expect(res.status).toBe(200);
      expect(Array.isArray(await res.json())).toBe(true);
    }

    const replaced = matches(child, LISTENING, 1);
    process.kill(pids[0] as number, 'SIGKILL');
    const third = (await replaced)[0];
    expect(third?.[2]).toBe(url);
    const newPid = Number(third?.[1]);
    expect(pids).not.toContain(newPid);
    expect((await fetch(`${url}/`)).status).toBe(200);

    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`worker ${pids[0]} died \\(SIGKILL\\); starting a replacement`));
    expect([pids[1], newPid].filter((pid) => alive(pid as number))).toEqual([]);
  });

  it('passes SIGHUP to every worker: each reloads the fixtures and the primary stays up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-reload-'));
    const fixture = (name: string) =>
      JSON.stringify({ series: [{ name, generator: { type: 'constant', value: 1 } }] });
    writeFileSync(join(dir, 'a.json'), fixture('alpha'));
    try {
      const child = spawnBin(['--workers', '2', '--port', '0', '--host', '127.0.0.1', '--fixtures', dir]);
      running = child;
      const done = finished(child);
      const [first] = await matches(child, LISTENING, 2);
      const url = first?.[2] as string;
      writeFileSync(join(dir, 'b.json'), fixture('beta'));
      const reloaded = matches(child, /"msg":"fixtures reloaded"/, 2);
      child.kill('SIGHUP');
      await reloaded;
      // Connections are spread over the workers: every answer must show the new data.
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${url}/search`, { method: 'POST', body: '{"target":""}' });
        expect(await res.json()).toEqual(['alpha', 'beta']);
      }
      child.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('SIGHUP: reloading the fixtures of 2 worker(s)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 without restarting when the workers fail before listening', async () => {
    const bad = join(ROOT, 'test', 'fixtures', 'bad', 'bad-time');
    running = spawnBin(['--workers', '2', '--port', '0', '--fixtures', bad]);
    const result = await finished(running);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/exited \(code 2\) before listening; stopping/);
    expect(result.stdout).not.toMatch(/starting a replacement/);
  });
});
