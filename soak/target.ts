/**
 * The server under soak: the real bin (compiled), in its own process so its RSS is its own, listening
 * on 127.0.0.1 only, with basic auth on (the auth path is part of every request) and its JSON log
 * written straight to a file (the parent never parses log lines on the hot path).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const USER = 'soak';
export const PASSWORD = 'soak-password-never-logged';

export interface Target {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Rewrites the extra fixture file (valid, or broken when `broken`) and sends SIGHUP. */
  reload(round: number, broken: boolean): void;
  rssMb(): number;
  /** SIGTERM; resolves with the exit code and how long the shutdown took. */
  stop(): Promise<{ code: number | null; ms: number }>;
  cleanup(): void;
}

/** A fixture file whose content changes each round, so every reload really loads different data. */
function extraFixture(round: number): string {
  const series = Array.from({ length: 5 + (round % 7) }, (_, i) => ({
    name: `soak.extra.${i}`,
    labels: { round: String(round) },
    generator: { type: 'sine', step: '30s', period: '1h', amplitude: round % 10, offset: i },
  }));
  return JSON.stringify({ series });
}

export async function startTarget(root: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'soak-'));
  const fixtures = join(dir, 'fixtures');
  cpSync(join(root, 'fixtures'), fixtures, { recursive: true });
  writeFileSync(join(fixtures, 'soak-extra.json'), extraFixture(0));
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  const logFile = join(dir, 'server.log');
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(root, 'dist', 'process', 'server.js'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--fixtures',
      fixtures,
      '--basic-auth-user',
      USER,
      '--basic-auth-password-file',
      passwordFile,
    ],
    { stdio: ['ignore', log, log], env: { PATH: process.env.PATH ?? '' } },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = readFileSync(logFile, 'utf8').match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match?.[1] !== undefined) {
        clearInterval(poll);
        resolve(match[1]);
      } else if (Date.now() - started > 20_000 || child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`the server did not start:\n${readFileSync(logFile, 'utf8')}`));
      }
    }, 50);
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    logFile,
    reload(round, broken) {
      writeFileSync(
        join(fixtures, 'soak-extra.json'),
        broken ? '{"series": [ {"name": ' : extraFixture(round),
      );
      child.kill('SIGHUP');
    },
    rssMb() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? Number.NaN);
      return Math.round((kb / 1024) * 10) / 10;
    },
    async stop() {
      const started = Date.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: Date.now() - started };
    },
    cleanup() {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
