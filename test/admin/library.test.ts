import { startServer } from '../../src/index';

/** The "From code" example of docs/runtime.md, as written there, with its printed values checked. */
it('runs the library example of docs/runtime.md', async () => {
  const printed: unknown[] = [];
  const console = { log: (value: unknown) => printed.push(value) };

  const server = await startServer({ fixtures: { series: [] }, journal: true, faults: true });
  await server.admin.write({ body: 'pump,site=north rpm=1500' });
  server.admin.addFault({ metric: 'pump.rpm', status: 503, message: 'pump offline', times: 1 });
  // What the dashboard under test would send:
  const query = { range: { from: 'now-5m', to: 'now' }, targets: [{ refId: 'A', target: 'pump.rpm' }] };
  const post = () => fetch(`${server.url}/query`, { method: 'POST', body: JSON.stringify(query) });
  console.log((await post()).status); // 503: the fault failed the only target
  console.log((await post()).status); // 200: the fault was for one request
  console.log(server.admin.requests({ path: '/query' }).map((r) => r.targets?.[0]?.metrics)); // [ [ 'pump.rpm' ], [ 'pump.rpm' ] ]
  await server.close();

  expect(printed).toEqual([503, 200, [['pump.rpm'], ['pump.rpm']]]);
});

it('is the code docs/runtime.md shows', () => {
  const { readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { join } = jest.requireActual<typeof import('node:path')>('node:path');
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'runtime.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## From code')))?.[1] ?? '';
  const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('import '));
  const self = readFileSync(__filename, 'utf8');
  expect(lines.length).toBeGreaterThan(8);
  expect(lines.filter((l) => !self.includes(l))).toEqual([]);
});
