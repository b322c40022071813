import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { handleSignals, holdReloadsDuringStart } from '../src/process/signals';
import { startServer } from '../src/process/start';
import { finished, spawnBin, spawnScript, waitForLine } from './support/bin';

// Each process start loads the TypeScript compiler in the child (about 3 s).
jest.setTimeout(60_000);

const PASSWORD = 'hunter2 from a file';
const AUTH = `Basic ${Buffer.from(`grafana:${PASSWORD}`).toString('base64')}`;
const fixture = (...names: string[]) =>
  JSON.stringify({ series: names.map((name) => ({ name, generator: { type: 'constant', value: 1 } })) });

let dir: string;
let secrets: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'signals-fixtures-'));
  secrets = mkdtempSync(join(tmpdir(), 'signals-secrets-'));
  writeFileSync(join(secrets, 'password'), `${PASSWORD}\n`);
  writeFileSync(join(dir, 'a.json'), fixture('alpha'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(secrets, { recursive: true, force: true });
});

async function names(url: string): Promise<string[]> {
  const res = await fetch(`${url}/search`, {
    method: 'POST',
    body: '{"target":""}',
    headers: { authorization: AUTH },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

/** A free port on loopback (for the health check, which reads PORT like the server). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('signals on the real process', () => {
  it('SIGHUP reloads (a bad file keeps the old data), SIGTERM finishes the request in flight and exits 0', async () => {
    const child = spawnBin(['--port', '0', '--host', '127.0.0.1', '--fixtures', dir], {
      BASIC_AUTH_USER: 'grafana',
      BASIC_AUTH_PASSWORD_FILE: join(secrets, 'password'),
    });
    const done = finished(child);
    const [, url = ''] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(await names(url)).toEqual(['alpha']);

    writeFileSync(join(dir, 'b.json'), fixture('beta'));
    let line = waitForLine(child, /"msg":"fixtures reloaded"/);
    child.kill('SIGHUP');
    await line;
    expect(await names(url)).toEqual(['alpha', 'beta']);

    writeFileSync(join(dir, 'c.json'), '{ not json');
    line = waitForLine(
      child,
      /"msg":"fixture reload failed, still serving the previous data: c\.json: [^"]*"/,
    );
    child.kill('SIGHUP');
    await line;
    expect(await names(url)).toEqual(['alpha', 'beta']);

    // A request whose body is half sent when SIGTERM arrives.
    const body = '{"target":"al"}';
    const req = httpRequest(`${url}/search`, {
      method: 'POST',
      headers: { 'content-length': String(body.length), authorization: AUTH },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 4));
    await new Promise((r) => setTimeout(r, 200)); // let the request reach the server before the signal
    line = waitForLine(child, /"msg":"stopping: finishing requests in flight"/);
    child.kill('SIGTERM');
    await line;
    req.end(body.slice(4));
    expect(await answer).toEqual({ status: 200, text: '["alpha"]' });

    const result = await done;
    expect(result.code).toBe(0);
    const logs = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.map((l) => l.msg).filter((m) => m !== 'request')).toEqual([
      expect.stringMatching(/^simplejson-server .* listening on http/),
      'SIGHUP: reloading fixtures',
      'fixtures reloaded',
      'SIGHUP: reloading fixtures',
      expect.stringMatching(/^fixture reload failed/),
      'stopping: finishing requests in flight',
      'stopped',
    ]);
    expect(logs.filter((l) => l.msg === 'request').map((l) => [l.method, l.path, l.status])).toEqual([
      ['POST', '/search', 200],
      ['POST', '/search', 200],
      ['POST', '/search', 200],
      ['POST', '/search', 200],
    ]);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(result.stdout + result.stderr).not.toContain(AUTH.slice(6));
  });

  it('the container health check sends the configured credentials: 0 when right, 1 when not', async () => {
    const port = await freePort();
    rmSync(join(dir, 'c.json'), { force: true }); // the broken file of the test above
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      FIXTURES_DIR: dir,
      BASIC_AUTH_USER: 'grafana',
      BASIC_AUTH_PASSWORD_FILE: join(secrets, 'password'),
      LOG_LEVEL: 'warn',
    };
    const server = spawnBin([], env);
    const done = finished(server);
    try {
      // The server logs nothing at warn, so poll the port until it answers (401 without credentials).
      for (let i = 0; ; i++) {
        const status = await fetch(`http://127.0.0.1:${port}/`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 401) break;
        if (i > 300) throw new Error('the server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
      const ok = await finished(spawnScript('src/process/healthcheck.ts', [], env));
      expect(ok).toMatchObject({ code: 0, stdout: '', stderr: '' });
      const wrong = await finished(
        spawnScript('src/process/healthcheck.ts', [], { ...env, BASIC_AUTH_PASSWORD: 'nope' }),
      );
      // Both a password and a password file set is a configuration error: exit 1 with the reason.
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('not both');
      const { BASIC_AUTH_PASSWORD_FILE: _file, ...withoutFile } = env;
      const refused = await finished(
        spawnScript('src/process/healthcheck.ts', [], { ...withoutFile, BASIC_AUTH_PASSWORD: 'nope' }),
      );
      expect(refused).toMatchObject({ code: 1, stderr: 'health check: GET /healthz answered 401\n' });
    } finally {
      server.kill('SIGTERM');
      expect((await done).code).toBe(0);
    }
  });

  it('a SIGHUP that comes while the server starts is not lost (nor fatal): it reloads once started', async () => {
    const start = mkdtempSync(join(tmpdir(), 'signals-start-'));
    writeFileSync(join(start, 'a.json'), fixture('alpha'));
    const signals = new EventEmitter();
    const infos: string[] = [];
    const logger = { error: () => undefined, info: (m: string) => void infos.push(m) };
    try {
      const reloadsAsked = holdReloadsDuringStart(signals);
      const starting = startServer({ fixtures: start, logger });
      writeFileSync(join(start, 'b.json'), fixture('beta')); // may or may not be seen by the first load
      signals.emit('SIGHUP');
      const running = await starting;
      const exits: number[] = [];
      handleSignals(running, {
        logger,
        shutdownTimeout: 1000,
        exit: (code) => exits.push(code),
        source: signals,
        heldReloads: reloadsAsked,
      });
      expect(signals.listenerCount('SIGHUP')).toBe(1); // the start-time listener is gone
      const deadline = Date.now() + 5000; // a safety bound
      while (!infos.includes('fixtures reloaded') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(infos.filter((m) => m !== 'request')).toEqual([
        'SIGHUP during start: reloading fixtures',
        'fixtures reloaded',
      ]);
      const res = await fetch(`${running.url}/search`, { method: 'POST', body: '{"target":""}' });
      expect(await res.json()).toEqual(['alpha', 'beta']);
      signals.emit('SIGTERM');
      while (exits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(exits).toEqual([0]);
    } finally {
      rmSync(start, { recursive: true, force: true });
    }
  });
});
