import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../src/http/options';
import { type RunningServer, startServer } from '../src/process/start';
import { fixedClock } from '../src/time/clock';
import { NOW, testRegistry } from './helpers';

const constant = (name: string) => ({ name, generator: { type: 'constant', value: 1, step: '1h' } });
const fixture = (...names: string[]) => JSON.stringify({ series: names.map(constant) });

/** A Logger that keeps what it is told. */
function recorder() {
  const errors: string[] = [];
  const infos: [string, unknown][] = [];
  const logger: Logger = {
    error: (message) => errors.push(message),
    info: (message, fields) => infos.push([message, fields]),
  };
  return { logger, errors, infos };
}

async function names(server: RunningServer): Promise<string[]> {
  const res = await fetch(`${server.url}/search`, { method: 'POST', body: '{"target":""}' });
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reload-'));
  writeFileSync(join(dir, 'a.json'), fixture('alpha'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fixture reload', () => {
  it('reload() swaps in the new files; a bad file keeps the old data serving and says why', async () => {
    const { logger, errors, infos } = recorder();
    const server = await startServer({ fixtures: dir, clock: fixedClock(NOW), logger });
    try {
      expect(await names(server)).toEqual(['alpha']);

      writeFileSync(join(dir, 'b.json'), fixture('beta'));
      expect(await server.reload()).toEqual({
        reloaded: true,
        metrics: 2,
        annotationSets: 0,
        ms: expect.any(Number),
      });
      expect(await names(server)).toEqual(['alpha', 'beta']);
      expect(server.registry.names()).toEqual(['alpha', 'beta']);
      expect(infos.map(([m]) => m).filter((m) => m !== 'request')).toEqual(['fixtures reloaded']);

      writeFileSync(join(dir, 'c.json'), '{"series": [');
      const bad = await server.reload();
      expect(bad.reloaded).toBe(false);
      expect(!bad.reloaded && bad.error.message).toMatch(/^c\.json: /);
      expect(errors).toEqual([
        expect.stringMatching(/^fixture reload failed, still serving the previous data: c\.json: /),
      ]);
      expect(await names(server)).toEqual(['alpha', 'beta']);

      // A file that parses but breaks a rule (a duplicate name) is refused whole as well.
      writeFileSync(join(dir, 'c.json'), fixture('gamma', 'alpha'));
      const duplicate = await server.reload();
      expect(!duplicate.reloaded && duplicate.error.message).toMatch(/alpha/);
      expect(await names(server)).toEqual(['alpha', 'beta']);

      writeFileSync(join(dir, 'c.json'), fixture('gamma'));
      expect((await server.reload()).reloaded).toBe(true);
      expect(await names(server)).toEqual(['alpha', 'beta', 'gamma']);
    } finally {
      await server.close();
    }
  });

  it('concurrent reloads are merged and run one after the other', async () => {
    const server = await startServer({ fixtures: dir, clock: fixedClock(NOW), logger: recorder().logger });
    try {
      writeFileSync(join(dir, 'b.json'), fixture('beta'));
      const results = await Promise.all([server.reload(), server.reload(), server.reload()]);
      expect(results.map((r) => r.reloaded)).toEqual([true, true, true]);
      // The second and third asks share one queued load.
      expect(results[1]).toBe(results[2]);
      expect(await names(server)).toEqual(['alpha', 'beta']);
    } finally {
      await server.close();
    }
  });

  it('no request sees a mix of two fixture sets while reloads swap them', async () => {
    const setA = Array.from({ length: 40 }, (_, i) => `a${String(i).padStart(2, '0')}`);
    const setB = Array.from({ length: 40 }, (_, i) => `b${String(i).padStart(2, '0')}`);
    writeFileSync(join(dir, 'a.json'), fixture(...setA));
    const server = await startServer({ fixtures: dir, clock: fixedClock(NOW), logger: recorder().logger });
    try {
      let stop = false;
      const swapper = (async () => {
        for (let i = 0; !stop && i < 200; i++) {
          writeFileSync(join(dir, 'a.json'), fixture(...(i % 2 === 0 ? setB : setA)));
          await server.reload();
        }
      })();
      const seen = new Set<string>();
      for (let round = 0; round < 20; round++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => names(server)));
        for (const answer of answers) {
          expect([setA, setB]).toContainEqual(answer);
          seen.add(answer[0] ?? '');
        }
      }
      stop = true;
      await swapper;
      expect(seen.size).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('watch: a change in the directory is picked up without a signal', async () => {
    const server = await startServer({
      fixtures: dir,
      clock: fixedClock(NOW),
      watch: true,
      logger: recorder().logger,
    });
    try {
      writeFileSync(join(dir, 'w.json'), fixture('watched'));
      const deadline = Date.now() + 10_000; // a safety bound, not a timing assertion
      while (!(await names(server)).includes('watched')) {
        if (Date.now() > deadline) throw new Error('the change was not picked up');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await names(server)).toEqual(['alpha', 'watched']);
    } finally {
      await server.close();
    }
  });

  it('reload() is refused for a server started from a registry', async () => {
    const server = await startServer({ registry: testRegistry() });
    try {
      await expect(server.reload()).rejects.toThrow(
        'nothing to reload: the server was not started from a fixtures directory',
      );
    } finally {
      await server.close();
    }
  });
});
