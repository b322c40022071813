/**
 * The processes the benchmark starts: forked with an IPC channel, awaited until they report `ready`, and
 * all killed when the benchmark ends, whether it ends normally, on an error or on a signal.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { processTree } from './proc';

const started = new Set<ChildProcess>();

/** SIGKILL to every child still running and to its own children (cluster workers). */
function killAll(): void {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    for (const pid of processTree(child.pid).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface Child<M> {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly ready: M;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks `script` with `args` and waits (at most `timeoutMs`) for its first IPC message of type `ready`.
 * Its stdout is a pipe read and discarded here (as a log collector reads a container's stdout).
 */
export function start<M extends { type: string }>(
  script: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<Child<M>> {
  const child = fork(script, [...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout?.resume();
  started.add(child);
  child.once('exit', () => started.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (${signal ?? code})`));
    });
    child.on('message', (message: M) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        process: child,
        pid: child.pid as number,
        ready: message,
        stop: (graceMs = 5000) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
