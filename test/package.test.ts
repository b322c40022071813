/**
 * The published package, as a consumer gets it: `npm pack` (whose prepack step builds), installed from the
 * tarball into a scratch project with `strict` TypeScript and `skipLibCheck: false`, compiled with this
 * project's own compiler, and run both through `require` (CommonJS) and `import` (ESM).
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/bin';

// Packing builds the project, and installing fetches the dependencies (from npm's cache when it can).
jest.setTimeout(180_000);

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
};
const TSC = require.resolve('typescript/bin/tsc', { paths: [ROOT] });

interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a non-zero exit rejects with everything it printed. */
function run(file: string, args: readonly string[], cwd: string): Promise<Output> {
  return new Promise((resolveRun, reject) => {
    execFile(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) resolveRun({ stdout, stderr });
      else reject(new Error(`${file} ${args.join(' ')} failed (${err.message})\n${stdout}\n${stderr}`));
    });
  });
}

/** The consumer's program: the same source is compiled once as CommonJS (.ts) and once as ESM (.mts). */
const CONSUMER = `import type { AddressInfo } from 'node:net';
import { type CloseResult, createApp, Registry, type RunningServer, startServer } from 'simplejson-server';

async function getRoot(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(\`\${url}/\`);
  return { status: res.status, body: (await res.json()) as unknown };
}

async function main(): Promise<void> {
  const server: RunningServer = await startServer({
    port: 0,
    fixtures: { series: [{ name: 'flat', generator: { type: 'constant', value: 7, step: '1h' } }] },
  });
  const fromStartServer = await getRoot(server.url);
  const closed: CloseResult = await server.close();

  const registry = new Registry();
  registry.addTable({ name: 'shops', columns: [{ text: 'shop', type: 'string' }], rows: [['eu'], ['us']] });
  const listener = createApp({ registry }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
  const { port } = listener.address() as AddressInfo;
  const fromCreateApp = await getRoot(\`http://127.0.0.1:\${port}\`);
  listener.closeAllConnections();
  await new Promise<void>((resolve, reject) => listener.close((err) => (err ? reject(err) : resolve())));
  console.log(JSON.stringify({ fromStartServer, closed, fromCreateApp }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
`;

const EXPECTED = {
  fromStartServer: {
    status: 200,
    body: { status: 'ok', name: 'simplejson-server', metrics: 1, annotationSets: 0 },
  },
  closed: { forced: false },
  fromCreateApp: {
    status: 200,
    body: { status: 'ok', name: 'simplejson-server', metrics: 1, annotationSets: 0 },
  },
};

let tmp: string;
let consumer: string;
let files: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'simplejson-package-'));
  const packDir = join(tmp, 'pack');
  consumer = join(tmp, 'consumer');
  mkdirSync(packDir);
  mkdirSync(join(consumer, 'src'), { recursive: true });

  await run('npm', ['pack', '--pack-destination', packDir], ROOT);
  const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toEqual([`${PKG.name}-${PKG.version}.tgz`]);
  const tarball = join(packDir, tarballs[0] ?? '');
  files = (await run('tar', ['-tzf', tarball], tmp)).stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));

  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2),
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'node16',
        moduleResolution: 'node16',
        types: ['node'],
        rootDir: 'src',
        outDir: 'dist',
        noEmitOnError: true,
      },
      include: ['src'],
    }),
  );
  writeFileSync(join(consumer, 'src', 'cjs.ts'), CONSUMER);
  writeFileSync(join(consumer, 'src', 'esm.mts'), CONSUMER);
  // The consumer brings its own Node types, as any TypeScript project on Node does; nothing else.
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarball,
      `@types/node@${PKG.devDependencies['@types/node'] ?? '20'}`,
    ],
    consumer,
  );
});

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the build, schemas, demo fixtures, README and LICENSE, and no source maps or tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/process/server.js',
      'schemas/fixture.schema.json',
      'fixtures/series.json',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /\.test\./.test(f) || f.startsWith('src/') || f.startsWith('test/'))).toEqual(
      [],
    );
  });

  it('has no file in dist/ left from an older build: each comes from a source file', () => {
    const orphans = files
      .filter((f) => f.startsWith('dist/'))
      .map((f) => f.replace(/^dist\//, 'src/').replace(/(\.d)?\.js$|\.d\.ts$/, '.ts'))
      .filter((src) => !existsSync(join(ROOT, src)));
    expect(orphans).toEqual([]);
  });

  it('its types compile in a strict consumer with skipLibCheck off', async () => {
    const { stdout } = await run(process.execPath, [TSC, '-p', consumer], consumer);
    expect(stdout).toBe('');
    expect(readFileSync(join(consumer, 'dist', 'cjs.js'), 'utf8')).toContain('require("simplejson-server")');
    expect(readFileSync(join(consumer, 'dist', 'esm.mjs'), 'utf8')).toContain("from 'simplejson-server'");
  });

  it.each([['cjs.js'], ['esm.mjs']])(
    'dist/%s starts a server on a free port, answers GET / and closes',
    async (file) => {
      expect(existsSync(join(consumer, 'dist', file))).toBe(true);
      const { stdout, stderr } = await run(process.execPath, [join('dist', file)], consumer);
      expect({ stdout: JSON.parse(stdout) as unknown, stderr }).toEqual({ stdout: EXPECTED, stderr: '' });
    },
  );

  it('installs the simplejson-server command', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'simplejson-server');
    expect(await run(bin, ['--version'], consumer)).toEqual({ stdout: `${PKG.version}\n`, stderr: '' });
    expect((await run(bin, ['--help'], consumer)).stdout).toMatch(/^Usage: simplejson-server \[options\]\n/);
  });
});
