import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The project root. */
export const ROOT = resolve(__dirname, '..', '..');

let registerFile: string | undefined;

/**
 * A require hook that transpiles TypeScript with the project's own compiler (ts-node is not installed),
 * so tests can run the real bin, `node src/process/server.ts …`, without a build. Each process start loads the
 * compiler (about 3 s).
 */
function register(): string {
  if (registerFile !== undefined) return registerFile;
  const dir = mkdtempSync(join(tmpdir(), 'simplejson-bin-'));
  // Readable by everyone: a test may run the bin as another user (see spawnBin's `as`).
  chmodSync(dir, 0o755);
  registerFile = join(dir, 'register.js');
  writeFileSync(
    registerFile,
    `const ts = require(${JSON.stringify(require.resolve('typescript'))});
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
`,
  );
  return registerFile;
}

/**
 * Starts `simplejson-server …args` (from source) with only PATH and `env` in its environment; `as` runs it
 * as another user (which needs root).
 */
export function spawnBin(
  args: readonly string[],
  env: Record<string, string> = {},
  as: { uid: number; gid: number } | Record<string, never> = {},
): ChildProcess {
  return spawn(process.execPath, ['-r', register(), join(ROOT, 'src', 'process', 'server.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    ...as,
  });
}

/** Runs another entry point of the project (e.g. `src/process/healthcheck.ts`) the same way, with only PATH and `env`. */
export function spawnScript(
  script: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, ['-r', register(), join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<BinResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

/** Runs the bin to completion. */
export function runBin(args: readonly string[], env: Record<string, string> = {}): Promise<BinResult> {
  return finished(spawnBin(args, env));
}

/** Resolves with the first stdout line matching `pattern` (e.g. the "listening on" line). */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    const onData = (c: Buffer) => {
      buffered += c.toString();
      const match = buffered.match(pattern);
      if (match !== null) {
        child.stdout?.off('data', onData);
        resolveLine(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before printing ${pattern}: ${buffered}`)),
    );
  });
}
