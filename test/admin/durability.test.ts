import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, spawnBin, waitForLine } from '../support/bin';

/**
 * With --data-dir, what the server acknowledged survives a SIGKILL in the middle of an ingest load, and
 * every worker of --workers sees what any of them stored.
 */
jest.setTimeout(90_000);

const TOKEN = 'durability-admin-token';
const POINTS_PER_BATCH = 500;

interface Answer {
  status: number;
  body: string;
}

/** One request on a connection of its own (so the workers of a cluster take turns answering). */
function send(
  url: string,
  method: string,
  path: string,
  body?: string,
  type = 'text/plain',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          ...(body === undefined ? {} : { 'Content-Type': type }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's arguments: a free port on 127.0.0.1, `dir` as its data directory, the admin token. */
function serverArgs(dir: string, extra: string[] = []): string[] {
  return ['--port', '0', '--host', '127.0.0.1', '--data-dir', dir, '--admin-token', TOKEN, ...extra];
}

async function start(dir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnBin(serverArgs(dir, extra));
  const [, url] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { child, url: url as string };
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** A batch of line protocol: batch `b` of writer `w`, POINTS_PER_BATCH points a second apart. */
function batch(w: number, b: number, base: number): string {
  const lines: string[] = [];
  for (let i = 0; i < POINTS_PER_BATCH; i++) {
    lines.push(`load,writer=${w},batch=${b} v=${i} ${(base + i * 1000) * 1e6}`);
  }
  return lines.join('\n');
}

interface Summary {
  series?: Array<{ labels: Record<string, string>; points: number }>;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(stopped));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simplejson-data-'));
  dirs.push(dir);
  return dir;
}

it('keeps every acknowledged point and change through a SIGKILL in the middle of an ingest load', async () => {
  const dir = dataDir();
  const first = await start(dir);
  children.push(first.child);
  const change = await send(
    first.url,
    'PUT',
    '/admin/series/before.kill',
    JSON.stringify({ unit: 'V', points: [[1, Date.now() - 1000]] }),
    'application/json',
  );
  expect(change.status).toBe(200);

  const acknowledged = new Set<string>();
  const base = Date.now() - 3600_000;
  let killed = false;
  const writers = [0, 1, 2, 3].map(async (w) => {
    for (let b = 0; !killed; b++) {
      try {
        const res = await send(first.url, 'POST', '/write', batch(w, b, base));
        if (res.status === 204) acknowledged.add(`${w}/${b}`);
        else throw new Error(`write answered ${res.status}: ${res.body}`);
      } catch (err) {
        if (killed) return; // the connection died with the server: that batch was never acknowledged
        throw err;
      }
      if (acknowledged.size >= 40 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  });
  await Promise.all(writers);
  await stopped(first.child);
  expect(first.child.signalCode).toBe('SIGKILL');
  expect(acknowledged.size).toBeGreaterThanOrEqual(40);

  const second = await start(dir);
  children.push(second.child);
  const res = await send(second.url, 'GET', '/admin/metrics/load.v');
  expect(res.status).toBe(200);
  const stored = new Map(
    ((JSON.parse(res.body) as Summary).series ?? []).map((s) => [
      `${s.labels.writer}/${s.labels.batch}`,
      s.points,
    ]),
  );
  const missing = [...acknowledged].filter((id) => stored.get(id) !== POINTS_PER_BATCH);
  expect(missing).toEqual([]);
  // A batch is one transaction: whatever is there is whole, acknowledged or not.
  for (const points of stored.values()) expect(points).toBe(POINTS_PER_BATCH);
  const kept = await send(second.url, 'GET', '/admin/metrics/before.kill');
  expect(JSON.parse(kept.body)).toMatchObject({ name: 'before.kill', unit: 'V', points: 1 });
  second.child.kill('SIGTERM');
  await stopped(second.child);
});

it('refuses to start, in one line, on a data directory it cannot use', async () => {
  const dir = dataDir();
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const result = await finished(spawnBin(['--port', '0', '--data-dir', join(file, 'sub')]));
  expect(result.code).toBe(2);
  expect(result.stderr.trim()).toMatch(
    /^simplejson-server: .*a-file\/sub\/simplejson-server\.db: creating the data directory failed: .*ENOTDIR/,
  );
});

it('shows every worker of --workers what one of them stored', async () => {
  const dir = dataDir();
  const child = spawnBin(serverArgs(dir, ['--workers', '2']));
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  // Both workers listen before anything is sent.
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const found = [...output.matchAll(/worker (\d+) listening on (http:\/\/127\.0\.0\.1:\d+)/g)];
      if (found.length >= 2) {
        clearInterval(timer);
        resolve(found[0]?.[2] as string);
      }
    }, 50);
    child.once('exit', () => reject(new Error(`exited: ${output}`)));
  });
  const write = await send(url, 'POST', '/write', `shared,host=a v=42 ${(Date.now() - 1000) * 1e6}`);
  expect(write.status).toBe(204);
  const change = await send(
    url,
    'PUT',
    '/admin/series/shared.change',
    JSON.stringify({ points: [[7, Date.now() - 1000]] }),
    'application/json',
  );
  expect(change.status).toBe(200);
  await new Promise((r) => setTimeout(r, 1000));
  // Fresh connections are spread over both workers; every answer must know both changes.
  for (let i = 0; i < 12; i++) {
    const points = await send(url, 'GET', '/admin/metrics/shared.v');
    expect([points.status, JSON.parse(points.body).points]).toEqual([200, 1]);
    const defined = await send(url, 'GET', '/admin/metrics/shared.change');
    expect(defined.status).toBe(200);
    // A third request a round, so that the workers take turns on each of the two questions.
    expect((await send(url, 'GET', '/admin/')).status).toBe(200);
  }
  await new Promise((r) => setTimeout(r, 200));
  // The request lines carry the pid of the worker that answered: both workers did.
  const answeredBy = (path: string) =>
    new Set(
      output
        .split('\n')
        .filter((line) => line.includes(`"path":"${path}"`))
        .map((line) => (JSON.parse(line) as { pid: number }).pid),
    ).size;
  expect([answeredBy('/admin/metrics/shared.v'), answeredBy('/admin/metrics/shared.change')]).toEqual([2, 2]);
  child.kill('SIGTERM');
  await stopped(child);
});
